"""Analysis: codebook, auto-coding, human coding, agreement, dashboards and themes."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    # Importing the modules registers their tables, commands and pages.
    from analysis import (  # noqa: F401
        agreement_views,
        cli,
        codebook_views,
        coding_views,
        dashboard_views,
        models,
        services,
        themes_views,
    )
    from analysis.views import bp
    from app.models import Role
    from app.registry import DemoLoader, NavItem, add_demo_loader, add_nav

    app.register_blueprint(bp)
    app.cli.add_command(cli.group)
    add_nav(
        app,
        NavItem(
            "analysis.index",
            _l("Analysis"),
            (Role.RESEARCHER,),
            _l("Code contributions, check agreement, see dashboards and emerging themes."),
        ),
    )
    add_demo_loader(app, DemoLoader(40, "codebook and coding", services.load_demo))
