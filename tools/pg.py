"""The throwaway PostgreSQL cluster of a checkout, in ``.pg/``.

The server of the usual ``PG*`` variables is used instead when ``PGHOST`` or
``PGPORT`` is set. Several commands may share the cluster: each holds a
shared lock on ``.pg/users.lock`` while it runs, and the last one (or ``make
stop``) stops it.
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
    print(f"psi_sale: {message}", file=sys.stderr)
    sys.exit(2)


def log(message):
    print(f"psi_sale: {message}", file=sys.stderr, flush=True)


def external_pg():
    return bool(os.environ.get("PGHOST") or os.environ.get("PGPORT"))


def pg_bin(name):
    found = shutil.which(name)
    if found:
        return found
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    candidates.sort(key=lambda path: int(path.split("/")[4]), reverse=True)
    if not candidates:
        die(
            f"PostgreSQL's {name} was not found: install PostgreSQL 13 or newer "
            "(apt-get install postgresql) or point PGHOST/PGPORT/PGUSER at a server"
        )
    return candidates[0]


def as_pg_user(command):
    """PostgreSQL refuses to run as root: run it as an ordinary user then."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", PG_OS_USER, "--"] + command


def ensure_pg_user():
    try:
        pwd.getpwnam(PG_OS_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--user-group", "--no-create-home", PG_OS_USER],
            check=True,
        )


def pg_dir():
    """The cluster's folder: .pg/ in the checkout, or a folder it links to.

    When run as root, the cluster belongs to PG_OS_USER; if that user cannot
    reach the checkout (e.g. under /root), .pg links to a folder it can reach.
    """
    if os.path.isdir(PG_DIR):
        return os.path.realpath(PG_DIR)
    os.makedirs(PG_DIR)
    if os.geteuid() == 0:
        ensure_pg_user()
        shutil.chown(PG_DIR, PG_OS_USER)
        reachable = subprocess.run(as_pg_user(["test", "-w", PG_DIR]), check=False)
        if reachable.returncode:
            os.rmdir(PG_DIR)
            key = hashlib.sha1(ROOT.encode()).hexdigest()[:10]
            target = f"/var/tmp/psi_sale-pg-{key}"
            os.makedirs(target, exist_ok=True)
            shutil.chown(target, PG_OS_USER)
            os.symlink(target, PG_DIR)
    return os.path.realpath(PG_DIR)


def pg_running(data):
    if not os.path.isfile(os.path.join(data, "PG_VERSION")):
        return False
    status = subprocess.run(
        as_pg_user([pg_bin("pg_ctl"), "status", "-D", data]),
        capture_output=True,
        check=False,
    )
    return status.returncode == 0


def port_free(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@contextlib.contextmanager
def pg_lock():
    """Let one command at a time start, join or stop the throwaway cluster."""
    with open(os.path.join(pg_dir(), "lock"), "a", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


USERS = []  # the open file whose shared lock says this process uses the cluster


def users_file():
    return open(os.path.join(pg_dir(), "users.lock"), "a", encoding="utf-8")  # noqa: SIM115


def pg_join():
    """Hold a shared lock on .pg/users.lock while this process lives (``run``
    execs Odoo, which inherits it): the cluster is in use while one is held."""
    users = users_file()
    os.set_inheritable(users.fileno(), True)
    fcntl.flock(users, fcntl.LOCK_SH)
    USERS.append(users)


def pg_other_users(db_args):
    """What else uses the cluster: another command of this checkout (a shared
    lock but ours), or any client connected (an Odoo started by hand, psql)."""
    users = USERS[0] if USERS else users_file()
    try:
        fcntl.flock(users, fcntl.LOCK_EX | fcntl.LOCK_NB)
        others = []
    except BlockingIOError:
        others = ["another command"]
    connections = sql(
        db_args,
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
    )[0][0]
    return others + [f"{connections} other connection(s)"] * bool(connections)


def pg_start():
    """Start the throwaway cluster if needed; return (db args, started)."""
    with pg_lock():
        pg_join()
        return pg_start_locked()


def pg_start_locked():
    initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
    folder = pg_dir()
    data = os.path.join(folder, "data")
    port_file = os.path.join(folder, "port")
    if pg_running(data):
        with open(port_file, encoding="utf-8") as port_in:
            return pg_args(int(port_in.read())), False
    if not os.path.isfile(os.path.join(data, "PG_VERSION")):
        log(f"creating a throwaway PostgreSQL cluster in {folder}")
        subprocess.run(
            as_pg_user(
                [initdb, "-D", data, "-U", PG_ROLE, "--auth=trust", "-E", "UTF8"]
                + ["--locale=C.UTF-8", "--no-instructions"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    port = PG_FIRST_PORT
    while not port_free(port):
        port += 1
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories="
        # a throwaway cluster: durability is not needed, speed is
        " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    log(f"starting PostgreSQL on 127.0.0.1:{port}")
    subprocess.run(
        as_pg_user(
            [pg_ctl, "start", "-w", "-D", data, "-o", options]
            + ["-l", os.path.join(folder, "postgresql.log")]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    with open(port_file, "w", encoding="utf-8") as port_out:
        port_out.write(str(port))
    return pg_args(port), True


def pg_args(port):
    return ["--db_host=127.0.0.1", f"--db_port={port}", f"--db_user={PG_ROLE}"]


def pg_stop(force=False):
    """Stop the throwaway cluster, unless (without FORCE) another command or
    client still uses it."""
    if not os.path.isdir(PG_DIR):
        return
    folder = os.path.realpath(PG_DIR)
    data = os.path.join(folder, "data")
    with pg_lock():
        if not pg_running(data):
            return
        with open(os.path.join(folder, "port"), encoding="utf-8") as port_in:
            others = not force and pg_other_users(pg_args(int(port_in.read())))
        if others:
            log(f"PostgreSQL left running, still used by {', '.join(others)}")
            return
        subprocess.run(
            as_pg_user([pg_bin("pg_ctl"), "stop", "-w", "-m", "fast", "-D", data]),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        log("PostgreSQL stopped")


def connection_kwargs(db_args):
    kwargs = {"dbname": "postgres"}
    for arg in db_args:
        key, value = arg[2:].split("=", 1)
        kwargs[{"db_host": "host", "db_port": "port", "db_user": "user"}[key]] = value
    return kwargs


def sql(db_args, query, params=(), dbname="postgres"):
    import psycopg2  # pylint: disable=import-outside-toplevel

    connection = psycopg2.connect(**{**connection_kwargs(db_args), "dbname": dbname})
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall() if cursor.description else None
    finally:
        connection.close()


def postgres():
    """Database arguments for Odoo, starting the throwaway cluster if needed."""
    if external_pg():
        return [], False
    return pg_start()
