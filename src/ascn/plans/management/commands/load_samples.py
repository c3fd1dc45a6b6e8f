"""Load the illustrative sample plans and projects. Demo mode only (ASCN_DEMO=1).

Everything created here is flagged ``sample`` and shown as sample data. It is created
through the services, by the demo accounts, so it is permission-checked and audited like
real work. Idempotent: a sample that exists (same city and title) is left alone.
"""

from pathlib import Path

from ascn.accounts.models import User
from ascn.core.seed import LoadCommand, read_yaml
from ascn.network.models import City
from ascn.plans.models import ActionPlan, Project
from ascn.plans.readiness import item_codes
from ascn.plans.services import (
    plan_create,
    plan_transition,
    progress_add,
    project_create,
    project_update,
    readiness_assess,
)

SEED = Path(__file__).resolve().parents[2] / "seed" / "samples.yaml"
# Who takes each workflow step in the samples.
STEP_ACTOR = {
    "submit": None,
    "endorse": "secretariat@example.org",
    "publish": "secretariat@example.org",
}


class Command(LoadCommand):
    help = (
        "Load illustrative sample plans and projects (requires ASCN_DEMO=1 and the demo accounts)."
    )
    demo_only = True

    def load(self) -> str:
        data = read_yaml(SEED)
        created = 0
        plans = {}
        moves: dict[str, tuple[User, list[str]]] = {}
        for item in data["plans"]:
            city = City.objects.get(slug=item["city"])
            author = User.objects.get(email=item["author"])
            plan = ActionPlan.objects.filter(city=city, title=item["title"]).first()
            if plan is None:
                plan = plan_create(
                    actor=author,
                    city=city,
                    title=item["title"],
                    period_start=item["period"][0],
                    period_end=item["period"][1],
                    vision=item["vision"],
                    outcomes=item["outcomes"],
                    focus_areas=item["focus_areas"],
                    sections=item["sections"],
                    sample=True,
                )
                # submitted (and so kept as a version) once its projects are in it, below: a
                # plan submitted first would compare as if the city added them afterwards
                moves[item["key"]] = (author, item["transitions"])
                created += 1
            plans[item["key"]] = plan
        for item in data["projects"]:
            city = City.objects.get(slug=item["city"])
            if Project.objects.filter(city=city, title=item["title"]).exists():
                continue
            author = User.objects.get(email=item["author"])
            amount, currency = item["budget"]
            project = project_create(
                actor=author,
                city=city,
                title=item["title"],
                description=item["description"],
                focus_areas=item["focus_areas"],
                status=item["status"],
                budget_amount=amount,
                budget_currency=currency,
                sample=True,
                plan=plans.get(item.get("plan")),
                outcomes=item.get("outcomes", []),
                project_type=item.get("project_type", ""),
                sectors=item.get("sectors", []),
                funding_secured=item.get("secured", "0"),
                financing_sought=item.get("financing_sought", []),
                sdg_targets=item.get("sdg_targets", []),
            )
            if item.get("visibility", "draft") != "draft":
                project = project_update(
                    actor=author,
                    project=project,
                    version=project.version,
                    visibility=item["visibility"],
                )
            codes = set(item.get("readiness", []))
            if codes:
                readiness_assess(
                    actor=author, project=project, answers={c: c in codes for c in item_codes()}
                )
            for date, physical, financial in item.get("progress", []):
                progress_add(
                    actor=author,
                    project=project,
                    date=date,
                    physical_pct=physical,
                    financial_pct=financial,
                    note="Sample progress report",
                )
            created += 1
        for key, (author, steps) in moves.items():
            plan = plans[key]
            for step in steps:
                actor = User.objects.get(email=STEP_ACTOR[step]) if STEP_ACTOR[step] else author
                plan = plan_transition(actor=actor, plan=plan, action=step, version=plan.version)
        return f"Sample plans and projects ready ({created} new) — flagged as sample data."
