"""Running tallies of the public dashboards' figures, one set of rows per city.

At 100,000 projects and 200,000 engagements the dashboards' ``GROUP BY`` queries over the
projects take most of a second; these tallies hold the same sums, already grouped by city
(and focus area), so a page sums a few thousand rows instead. They are derived data:
``ascn.dashboards.tallies`` recomputes a city's rows inside the transaction of every write
that can change them (the changes the services announce, ``core.events``: see
``dashboards.tallies``), and ``manage.py dashboards_rebuild`` recomputes them all (after bulk
loads).
"""

from django.db import models


class CityAndArea(models.Model):
    """A tally row of one city and one focus area (none = every record of the city, each
    once)."""

    audited = False  # derived or kept by the platform itself: no kind of the audit trail

    city = models.ForeignKey("network.City", on_delete=models.CASCADE, related_name="+")
    focus_area = models.ForeignKey(
        "network.FocusArea", null=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        abstract = True


class ProjectSums(models.Model):
    """How many public projects with one status and budget currency, and their sums."""

    audited = False  # derived or kept by the platform itself: no kind of the audit trail

    status = models.CharField(max_length=40)
    currency = models.CharField(max_length=3)
    projects = models.PositiveIntegerField()
    samples = models.PositiveIntegerField()
    budget = models.DecimalField(max_digits=20, decimal_places=2)
    secured = models.DecimalField(max_digits=20, decimal_places=2)
    sought = models.DecimalField(max_digits=20, decimal_places=2)
    updated_at = models.DateTimeField(null=True)

    class Meta:
        abstract = True


class ProjectTally(CityAndArea, ProjectSums):
    """Public projects of one city with one status and budget currency (and focus area:
    none = every public project of the city, each once)."""

    class Meta:
        indexes = [models.Index(fields=["focus_area", "city"], name="dash_project_tally_area")]

    def __str__(self) -> str:
        return f"{self.city_id}/{self.focus_area_id}/{self.status}/{self.currency}: {self.projects}"


class DealTally(CityAndArea):
    """Engagements at one stage between the public projects of one city (with one focus
    area; none = all) and public organisations."""

    stage = models.CharField(max_length=40)
    deals = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["focus_area", "city"], name="dash_deal_tally_area")]

    def __str__(self) -> str:
        return f"{self.city_id}/{self.focus_area_id}/{self.stage}: {self.deals}"


class StateTally(ProjectSums):
    """``ProjectTally`` summed over the cities of one member state: what the charts read
    (a few thousand rows in all, where the cities' rows are tens of thousands)."""

    member_state = models.ForeignKey(
        "network.MemberState", on_delete=models.CASCADE, related_name="+"
    )
    focus_area = models.ForeignKey(
        "network.FocusArea", null=True, on_delete=models.CASCADE, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.member_state_id}/{self.focus_area_id}/{self.status}/{self.currency}"


class AreaPairTally(CityAndArea):
    """Public projects of one city that have both this focus area and ``other_area`` (the
    same one included: its own projects): the focus-area chart when a focus area is chosen,
    which shows the areas its projects share with it."""

    other_area = models.ForeignKey("network.FocusArea", on_delete=models.CASCADE, related_name="+")
    projects = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["focus_area", "city"], name="dash_area_pair_area")]

    def __str__(self) -> str:
        return f"{self.city_id}/{self.focus_area_id}+{self.other_area_id}: {self.projects}"


class StateDealTally(models.Model):
    """``DealTally`` summed over the cities of one member state: what the deals chart reads
    (tens of rows per focus area, where the cities' rows are thousands)."""

    audited = False  # derived or kept by the platform itself: no kind of the audit trail

    member_state = models.ForeignKey(
        "network.MemberState", on_delete=models.CASCADE, related_name="+"
    )
    focus_area = models.ForeignKey(
        "network.FocusArea", null=True, on_delete=models.CASCADE, related_name="+"
    )
    stage = models.CharField(max_length=40)
    deals = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.member_state_id}/{self.focus_area_id}/{self.stage}: {self.deals}"


class CityCount(CityAndArea):
    """Public projects of one city (with one focus area; none = all): the map's sizes, and
    the sums of their stored disclosure counts (``plans.disclosure.STORED_COUNTS``): the
    disclosure table's means."""

    projects = models.PositiveIntegerField()
    disclosed_identification = models.PositiveIntegerField(default=0)
    disclosed_preparation = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["focus_area", "city"], name="dash_city_count_area")]

    def __str__(self) -> str:
        return f"{self.city_id}/{self.focus_area_id}: {self.projects}"


class OrganisationTally(models.Model):
    """Public organisations of one kind, and how many of them are sample data."""

    audited = False  # derived or kept by the platform itself: no kind of the audit trail

    kind = models.CharField(max_length=40, unique=True)
    organisations = models.PositiveIntegerField()
    samples = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.kind}: {self.organisations}"
