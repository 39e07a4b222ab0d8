"""``make demo-vendor``: invite a sample vendor and watch the invitation land in a local mail catcher.

A real SMTP server (``tests.mail_server``, aiosmtpd: a dev dependency, which is why this lives under tests/) listens
on 127.0.0.1; ``riskengine invite`` runs as a user would run it, through that server; the mail is printed and kept
as a .eml file. Then it says how to open the link in the web app::

    python -m tests.demo_vendor --db out/riskengine.db --mail out/mail
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.mail_server import free_port, mail_server

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--db", type=Path, default=ROOT / "out" / "riskengine.db")
    parser.add_argument("--mail", type=Path, default=ROOT / "out" / "mail", help="where the caught mails are kept")
    parser.add_argument("--public-url", default="http://127.0.0.1:8000", help="where the web app will listen")
    parser.add_argument("--vendor", default="Northwind Mailworks B.V.")
    parser.add_argument("--email", default="security@northwind.example")
    arguments = parser.parse_args(argv)
    port = free_port()
    with mail_server(port=port, out=arguments.mail) as server:
        print(f"mail catcher listening on smtp://127.0.0.1:{port}, keeping mails in {arguments.mail}/", flush=True)
        command = [sys.executable, "-m", "riskengine", "invite", arguments.vendor, "--email", arguments.email,
                   "--db", str(arguments.db), "--config", str(ROOT / "samples" / "riskengine.toml"),
                   "--smtp", f"smtp://127.0.0.1:{port}", "--sender", "vendor-risk@larkspur.example",
                   "--public-url", arguments.public_url]
        print("$ riskengine invite " + " ".join(f'"{part}"' if " " in part else part for part in command[4:]),
              flush=True)
        environment = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
        done = subprocess.run(command, env=environment, timeout=120, check=False)
        if done.returncode != 0:
            return done.returncode
        bodies = server.catcher.bodies()
    found = re.search(r"https?://\S+/vendor/\S+", bodies[-1]) if bodies else None
    if found is None:
        print("error: no invitation was caught", file=sys.stderr)
        return 1
    print(f"\nThe invitation landed ({len(bodies)} mail). To answer as the vendor, start the web app:\n\n"
          f"  .venv/bin/riskengine serve --db {arguments.db} --inventory samples/inventory.yaml "
          "--org samples/org-profile.yaml --offline\n\n"
          f"and open the link of the mail:\n\n  {found.group(0)}\n\n"
          "The team's side is the Vendor requests page (sign in as a user added with `riskengine user add`).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
