"""Capture: structured dialogues for professionals and resident intake sessions."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from app.models import Role
    from app.registry import DemoLoader, NavItem, add_demo_loader, add_erasure_hook, add_nav

    # Importing the view modules registers their routes; models register their tables.
    from dialogues import (  # noqa: F401
        api,
        cli,
        contribution_views,
        demo,
        intake_views,
        invitation_views,
        models,
        retention,
        views,
    )
    from dialogues.blueprint import bp

    app.register_blueprint(bp)
    app.cli.add_command(cli.group)
    app.cli.add_command(cli.retention_group)
    add_erasure_hook(app, retention.forget_person)
    add_nav(
        app,
        NavItem(
            "dialogues.index",
            _l("Dialogues"),
            (Role.FACILITATOR, Role.PROFESSIONAL),
            _l("Structured online dialogues in rounds."),
        ),
    )
    add_nav(
        app,
        NavItem(
            "dialogues.intake_index",
            _l("Intake sessions"),
            (Role.FACILITATOR,),
            _l("Residents' stories, typed in community centres."),
        ),
    )
    add_demo_loader(app, DemoLoader(20, "dialogue and intake session", demo.load))
