"""Hooks through which the feature packages plug into the core without `app` importing them."""

from dataclasses import dataclass
from typing import Callable

from flask import Flask, current_app


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy string, translated when rendered
    roles: tuple[str, ...]
    description: object = ""


@dataclass(frozen=True)
class DemoLoader:
    order: int
    name: str
    load: Callable[[], None]


def _registry(app: Flask) -> dict:
    return app.extensions.setdefault("wijkstem", {"nav": [], "demo": [], "erase": []})


def add_nav(app: Flask, item: NavItem) -> None:
    _registry(app)["nav"].append(item)


def add_demo_loader(app: Flask, loader: DemoLoader) -> None:
    _registry(app)["demo"].append(loader)


def add_erasure_hook(app: Flask, hook: Callable[[object], None]) -> None:
    """Let a package remove what it keeps about a person whose account is erased."""
    _registry(app)["erase"].append(hook)


def erasure_hooks() -> list[Callable[[object], None]]:
    return list(_registry(current_app)["erase"])


def nav_for(user) -> list[NavItem]:
    items = _registry(current_app)["nav"]
    if not getattr(user, "is_authenticated", False):
        return []
    return [item for item in items if user.has_role(*item.roles)]


def demo_loaders() -> list[DemoLoader]:
    return sorted(_registry(current_app)["demo"], key=lambda loader: loader.order)
