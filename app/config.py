"""Defaults; `instance/config.py` and `WIJKSTEM_*` environment variables override them."""

from datetime import timedelta


class Defaults:
    SQLALCHEMY_DATABASE_URI = None  # filled in by create_app: instance/wijkstem.sqlite3
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")
    # A token bound to the session, not to the clock: a moderator's long session
    # or a tablet left open must not lose typed work to an expired token.
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_SSL_STRICT = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = None  # None: secure unless the app runs in debug mode
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # Failed logins tolerated within the window before a login is refused.
    LOGIN_FAILURES_PER_ACCOUNT = 5
    LOGIN_FAILURES_PER_ADDRESS = 20
    LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
    SQLITE_BUSY_TIMEOUT_MS = 15000
    # Load the personal-data finders (about 1 GB, 15 s) when the app is made, so that no
    # request waits for them; servers set it (gunicorn --preload shares them between workers).
    PREPARE_SCREENING = False
    # Without a model trained by researchers, auto-coding uses one trained on the coded examples
    # shipped in analysis/examples/ (about a minute, once per machine; `wijkstem analysis prepare`).
    ANALYSIS_BASE_MODEL = True
    # A published contribution reported this many times is hidden until a moderator reviews it.
    REPORTS_TO_HIDE = 3
    # Personal data of a dialogue is kept this many days after its last round
    # closes, of an intake session after it was created; organisers can choose
    # another date. `wijkstem retention apply` removes it afterwards.
    RETENTION_DEFAULT_DAYS = 365
    # Whom to ask about personal data, shown on the privacy page (an address or a name).
    PRIVACY_CONTACT = ""
    # Reasons a moderator can pick when rejecting: English, translated where they are
    # shown (app.labels). An instance may list its own in instance/config.py, shown as given.
    MODERATION_REJECT_REASONS = (
        "Contains personal data",
        "Abusive or offensive",
        "Off topic",
        "Advertising or spam",
        "Duplicate",
    )
    # Recently published contributions per page in the moderation queue.
    MODERATION_PAGE_SIZE = 20
