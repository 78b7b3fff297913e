"""Screening and moderation: nothing is read by others before it passes here."""

import os


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from app.models import Role
    from app.registry import DemoLoader, NavItem, add_demo_loader, add_nav
    from moderation import cli, models  # noqa: F401 - models register their tables
    from moderation.views import bp

    # The debug reloader's watching process serves nothing: only its child loads them.
    watching = app.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true"
    if app.config["PREPARE_SCREENING"] and not watching:
        from moderation import screening

        screening.prepare()
    app.register_blueprint(bp)
    app.cli.add_command(cli.group)
    add_nav(
        app,
        NavItem(
            "moderation.queue",
            _l("Moderation"),
            (Role.MODERATOR,),
            _l("Approve or reject what waits in the queue."),
        ),
    )
    add_demo_loader(app, DemoLoader(30, "moderation decisions", _approve_demo_items))


def _approve_demo_items() -> None:
    from app.demo import demo_user
    from moderation import services

    services.approve_demo_items(demo_user("moderator"))
