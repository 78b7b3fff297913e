"""Analysis: codebook, auto-coding and exports of coded segments."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from analysis import cli, models, services  # noqa: F401 - models register their tables
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
            _l("Code contributions and export the coded segments."),
        ),
    )
    add_demo_loader(app, DemoLoader(40, "codebook and coding", services.load_demo))
