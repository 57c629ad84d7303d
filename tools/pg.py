"""The throwaway PostgreSQL cluster of a checkout, in ``.pg/``.

The server of the usual ``PG*`` variables is used instead when ``PGHOST`` or
``PGPORT`` is set. A command starts the cluster if it is not running and
leaves it running: ``make stop`` stops it.
"""

import contextlib
import fcntl
import glob
import hashlib
import os
import pwd
import shutil
import socket
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PG_DIR = os.path.join(ROOT, ".pg")
PG_OS_USER = os.environ.get("PSI_PG_OS_USER", "postgres")
PG_ROLE = "odoo"
PG_FIRST_PORT = int(os.environ.get("PSI_PGPORT", "54329"))


def die(message):
    log(message)
    sys.exit(2)


def log(message):
    print(f"psi_sale: {message}", file=sys.stderr, flush=True)


def pg_bin(name):
    versions = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    found = shutil.which(name) or max(
        versions, key=lambda path: int(path.split("/")[4]), default=None
    )
    if not found:
        die(
            f"PostgreSQL's {name} was not found: install PostgreSQL 13 or newer "
            "(apt-get install postgresql) or point PGHOST/PGPORT/PGUSER at a server"
        )
    return found


def as_pg_user(*command, check=True):
    """Run COMMAND, as PG_OS_USER when root (PostgreSQL refuses root)."""
    sudo = ["runuser", "-u", PG_OS_USER, "--"] if os.geteuid() == 0 else []
    run = subprocess.run(sudo + list(command), check=check, stdout=subprocess.DEVNULL)
    return run.returncode


def pg_dir():
    """The cluster's folder: .pg/, or the folder it links to when root's
    PG_OS_USER cannot reach the checkout (e.g. under /root)."""
    if not os.path.isdir(PG_DIR):
        os.makedirs(PG_DIR)
        if os.geteuid() == 0:
            try:
                pwd.getpwnam(PG_OS_USER)
            except KeyError:
                useradd = ["useradd", "--system", "--user-group", "--no-create-home"]
                subprocess.run(useradd + [PG_OS_USER], check=True)
            shutil.chown(PG_DIR, PG_OS_USER)
            if as_pg_user("test", "-w", PG_DIR, check=False):
                os.rmdir(PG_DIR)
                key = hashlib.sha1(ROOT.encode()).hexdigest()[:10]
                reachable = f"/var/tmp/psi_sale-pg-{key}"
                os.makedirs(reachable, exist_ok=True)
                shutil.chown(reachable, PG_OS_USER)
                os.symlink(reachable, PG_DIR)
    return os.path.realpath(PG_DIR)


def running(data):
    return os.path.isfile(os.path.join(data, "PG_VERSION")) and not as_pg_user(
        pg_bin("pg_ctl"), "status", "-D", data, check=False
    )


def port_free(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def start(folder, data):
    if not os.path.isfile(os.path.join(data, "PG_VERSION")):
        log(f"creating a throwaway PostgreSQL cluster in {folder}")
        initdb = [pg_bin("initdb"), "-D", data, "-U", PG_ROLE, "--auth=trust"]
        as_pg_user(*initdb, "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions")
    port = PG_FIRST_PORT
    while not port_free(port):
        port += 1
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories="
        # a throwaway cluster: durability is not needed, speed is
        " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    log(f"starting PostgreSQL on 127.0.0.1:{port}")
    logfile = os.path.join(folder, "postgresql.log")
    as_pg_user(
        pg_bin("pg_ctl"), "start", "-w", "-D", data, "-o", options, "-l", logfile
    )
    with open(os.path.join(folder, "port"), "w", encoding="utf-8") as port_file:
        port_file.write(str(port))


def db_args(folder):
    with open(os.path.join(folder, "port"), encoding="utf-8") as port_file:
        port = port_file.read()
    return ["--db_host=127.0.0.1", f"--db_port={port}", f"--db_user={PG_ROLE}"]


def postgres():
    """Odoo's database arguments, the throwaway cluster started if needed."""
    if os.environ.get("PGHOST") or os.environ.get("PGPORT"):
        return []
    folder = pg_dir()
    with open(os.path.join(folder, "lock"), "a", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one command at a time starts it
        if not running(os.path.join(folder, "data")):
            start(folder, os.path.join(folder, "data"))
    return db_args(folder)


def pg_stop(force=False):
    """Stop the throwaway cluster, unless (without FORCE) a client uses it."""
    folder = os.path.realpath(PG_DIR)
    if not running(os.path.join(folder, "data")):
        return
    query = "SELECT count(*) - 1 FROM pg_stat_activity WHERE backend_type = %s"
    connections = not force and sql(db_args(folder), query, ["client backend"])[0][0]
    if connections:
        log(f"PostgreSQL left running, still used by {connections} connection(s)")
        return
    as_pg_user(pg_bin("pg_ctl"), "stop", "-w", "-m", "fast", "-D", f"{folder}/data")
    log("PostgreSQL stopped")


def sql(args, query, params=(), dbname="postgres"):
    """The rows of QUERY on DBNAME of the server of Odoo's arguments ARGS."""
    import psycopg2  # Odoo's, not in .venv (tools/screenshots.py imports us)

    names = {"--db_host": "host", "--db_port": "port", "--db_user": "user"}
    options = [arg.partition("=") for arg in args]
    kwargs = {names[key]: value for key, _, value in options if key in names}
    with contextlib.closing(psycopg2.connect(dbname=dbname, **kwargs)) as connection:
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall()
