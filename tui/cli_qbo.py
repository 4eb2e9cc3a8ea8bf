"""`cqtriage qbo login|status|logout` and `cqtriage sandbox`: the QuickBooks Online connection."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tui.service.errors import UserError


def cmd_qbo_login(args: argparse.Namespace) -> int:
    from tui.service.config import load_config
    from tui.service.qbo import oauth
    from tui.service.qbo.tokens import save_tokens

    config = load_config(args.config)
    pending = oauth.start_login(config.qbo)
    print("1. Open this address in a browser, on any machine, and approve the connection:\n")
    print(f"   {pending.url}\n")
    print("2. The browser then lands on a page that may not load. Copy the whole address from")
    print("   its address bar and paste it here:\n")
    try:
        pasted = input("   > ")
    except EOFError:
        raise UserError("no address was pasted", "run `cqtriage qbo login` again") from None
    tokens = oauth.finish_login(pending, pasted, config.qbo)
    path = save_tokens(tokens)
    print(f"\nConnected to company {tokens.realm_id} ({tokens.environment}). "
          f"The login is kept in {path} (readable by you only).")
    return 0


def cmd_qbo_status(args: argparse.Namespace) -> int:
    import datetime as dt

    from tui.service.config import load_config
    from tui.service.qbo.tokens import load_tokens, token_path

    config = load_config(args.config)
    tokens = load_tokens()

    def when(epoch: float) -> str:
        return dt.datetime.fromtimestamp(epoch).astimezone().strftime("%Y-%m-%d %H:%M %Z")

    print(f"Company (realm)    {tokens.realm_id}")
    print(f"Environment        {tokens.environment}"
          + (f" ({tokens.base_url})" if tokens.base_url else ""))
    print(f"Access token until {when(tokens.access_expires_at)}"
          + (" (expired: refreshed on next use)" if tokens.access_expired(0) else ""))
    print(f"Login valid until  {when(tokens.refresh_expires_at)}")
    print(f"Kept in            {token_path()}")
    if args.check:
        from tui.service.qbo.client import QboClient

        count = QboClient(config.qbo, tokens).count()
        print(f"Customers          {count:,} (active and inactive)")
    return 0


def cmd_qbo_logout(args: argparse.Namespace) -> int:
    from tui.service.config import load_config
    from tui.service.qbo import oauth
    from tui.service.qbo.tokens import forget_tokens, load_tokens

    config = load_config(args.config)
    try:
        tokens = load_tokens()
    except UserError:
        print("Not logged in.")
        return 0
    revoked = oauth.revoke(config.qbo, tokens)
    forget_tokens()
    print("Logged out." + ("" if revoked else " (Intuit could not be told; the saved login "
                                              "is deleted all the same.)"))
    return 0


def cmd_sandbox(args: argparse.Namespace) -> int:
    from tui.sandbox.server import SandboxConfig, SandboxServer, seed_from_records
    from tui.sandbox.store import CustomerStore

    state = args.state
    if state is not None and state.exists():
        try:
            store = CustomerStore.load(state)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UserError(f"not a sandbox state file ({type(exc).__name__})",
                            "give another --state file, or move this one aside", state) from None
    else:
        store = CustomerStore()
        if args.seed_demo:
            from tui.cli import demo_paths
            from tui.sandbox.seed import customers_from_csv

            seed_from_records(store, customers_from_csv(demo_paths()[1]))
    config = SandboxConfig(state_file=state, limits=not args.no_limits)
    if args.rate_limit is not None:
        config.requests_per_minute = args.rate_limit
    try:
        server = SandboxServer(store, config, port=args.port)
    except OSError as exc:
        raise UserError(f"cannot listen on 127.0.0.1:{args.port} ({exc.strerror})",
                        "pick another --port") from None
    print(f"QBO sandbox on {server.url} — company {store.realm_id}, "
          f"{len(store.customers)} customers. Ctrl+C stops it.")
    print("In config.toml:\n  [qbo]\n  environment = \"local\"\n"
          f"  local_url = \"{server.url}\"\n  client_id = \"{config.client_id}\"\n"
          f"  client_secret = \"{config.client_secret}\"  # the sandbox's own, not a secret")
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def add_commands(sub: Any) -> None:
    """Register `qbo` and `sandbox` on the main parser."""
    qbo = sub.add_parser("qbo", help="connect to QuickBooks Online (login, status, logout)",
                         description="Connect to QuickBooks Online. Client id and secret come "
                         "from config.toml [qbo] or CQTRIAGE_QBO_CLIENT_ID / _SECRET.")
    qbo_sub = qbo.add_subparsers(dest="qbo_command", metavar="ACTION", required=True)
    login = qbo_sub.add_parser("login", help="connect: open a URL, paste back the redirect",
                               description="Print Intuit's authorisation URL; open it on any "
                               "machine, approve, and paste back the address it redirected to.")
    login.add_argument("--config", type=Path, metavar="FILE", help="config TOML")
    login.set_defaults(func=cmd_qbo_login)
    status = qbo_sub.add_parser("status", help="company, environment and token expiry",
                                description="Show the connected company, the environment and "
                                "when the tokens expire.")
    status.add_argument("--check", action="store_true", help="also count customers through "
                        "the API")
    status.add_argument("--config", type=Path, metavar="FILE", help="config TOML")
    status.set_defaults(func=cmd_qbo_status)
    logout = qbo_sub.add_parser("logout", help="forget the QBO login",
                                description="Revoke the tokens at Intuit (best effort) and "
                                "delete them.")
    logout.add_argument("--config", type=Path, metavar="FILE", help="config TOML")
    logout.set_defaults(func=cmd_qbo_logout)

    sandbox = sub.add_parser(
        "sandbox", help="run the local QBO-compatible server",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Serve a QBO-compatible API on 127.0.0.1 to try the connection and the\n"
        "write path without an Intuit account.",
        epilog="It answers as Intuit does (docs/qbo.md lists what it does not model):\n"
        "  - Customer, Vendor and Employee: read, create, full and sparse update, query,\n"
        "    batch (30 items); DisplayName unique across the three lists (6240)\n"
        "  - every key of Intuit's Customer samples (Balance, BalanceWithJobs,\n"
        "    BillWithParent, PreferredDeliveryMethod, PrintOnCheckName, Taxable), address Ids\n"
        "  - sub-customers: Job, ParentRef, Level, FullyQualifiedName \"Parent:Child\";\n"
        "    6150 for a job without a parent\n"
        "  - lengths (2050): phone 30, e-mail 100, address line 500, postal code 30, ...\n"
        "  - requestid idempotency, remembered in --state across restarts\n"
        "  - Intuit's limits, on by default: 500 requests a minute and 10 a second per\n"
        "    company, 10 at once, 40 batches a minute; past them HTTP 429 in XML")
    sandbox.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    sandbox.add_argument("--seed-demo", action="store_true",
                         help="start with the demo QBO customers")
    sandbox.add_argument("--state", type=Path, metavar="FILE",
                         help="load the company from this JSON file and save it (and the "
                         "request ids answered) after writes")
    sandbox.add_argument("--rate-limit", type=int, metavar="N",
                         help="answer 429 past N requests a minute (default: Intuit's 500)")
    sandbox.add_argument("--no-limits", action="store_true",
                         help="never answer 429 (Intuit's rate limits off)")
    sandbox.set_defaults(func=cmd_sandbox)
