from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from ascn.accounts import views

urlpatterns = [
    path("", views.account, name="account"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    # the address most sites and Django's own use, typed or bookmarked: to the sign-in page
    path(
        "login/",
        RedirectView.as_view(pattern_name="login", query_string=True, permanent=True),
    ),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    # passwords
    path("password/change/", views.PasswordChangeView.as_view(), name="password-change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password-change-done",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password-reset-done",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password-reset-complete",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    # two-factor (these paths stay open to a session that still owes a code)
    path("two-factor/setup/", views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("two-factor/disable/", views.two_factor_disable, name="two-factor-disable"),
    # an invitation's link (the desk that sends them is the portal's)
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    # API tokens
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    # notifications
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications-read"),
    path("notifications/settings/", views.notification_settings, name="notification-settings"),
]
