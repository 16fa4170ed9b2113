"""``certflow seed-demo``: demo applicants and certification cases in every state."""

from __future__ import annotations

import click

from api import create_app
from config import load_settings


@click.command("seed-demo")
def seed_demo() -> None:
    """Seed users and the demo school (centre, 系部, 专业, 班级, 班主任, 320 learners), deploy the
    certification diagrams and create ~36 demo cases (idempotent).

    Runs in demo mode (``CERTFLOW_DEMO=1``): keys that are not set come from the demo's own
    random key file, the one ``certflow serve --demo`` signs with.
    """
    from api.context import unit_of_work
    from api.demo_incident import seed_incident
    from api.demo_school import PASSWORD as SCHOOL_PASSWORD
    from api.demo_school import seed_school
    from api.demo_seed import PASSWORD
    from api.demo_seed import seed_demo as run
    from workflows.identity.users import seed_users

    settings = load_settings(demo=True)  # demo data: the demo's own keys unless set
    app = create_app(settings)
    with app.app_context():
        seed_users(settings.seed_file, uow=unit_of_work())
        school = seed_school()
        summary = run(settings.bpmn_dir)
        incident = seed_incident()
    if incident:
        click.echo("demo incident: a results notice forwarded to a teacher who has left "
                   "(故障 lists it for the administrator)")
    click.echo(f"demo school: {school.units} new units, {school.people} people "
               f"(班主任 bzr01…bzr08, password {SCHOOL_PASSWORD})")
    if not summary.created:
        click.echo("demo cases exist already; nothing to do")
        return
    states = ", ".join(f"{state} {count}" for state, count in summary.states.items())
    click.echo(f"created {summary.applicants} demo applicants (stu01…stu{summary.applicants:02d},"
               f" password {PASSWORD}) and {summary.cases} certification cases: {states}")
