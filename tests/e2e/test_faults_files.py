"""Faults that attack the files: a batch of hostile archives, and a wheel rewritten while it uploads.

Every scenario publishes to a Warehouse-like index on 127.0.0.1 with a recognisable token and checks it never reaches
the output.
"""

from __future__ import annotations

import os
import subprocess
import zipfile

import pytest

from devtools.warehouse import Fault, FaultKind
from tests.corpus import wheel_members, wheel_path, write_zip
from tests.e2e.conftest import WAREHOUSE_TOKEN
from tests.e2e.faulting import configure, publish

pytestmark = pytest.mark.e2e


def write_wheel(path, entries: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)


def test_a_hostile_batch_is_refused_whole(sandbox, warehouse):
    configure(sandbox, warehouse)
    project = sandbox.project()
    sdist, good = project.build()
    dist, stem = project.dist, project.name.replace("-", "_")
    hostile = {
        f"{stem}-2.0-py3-none-any.whl": {"README": b"a zip, but not a wheel"},
        f"{stem}-3.0-py3-none-any.whl": {f"{stem}-3.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: \xe9\xff\n"},
        f"{stem}-4.0-py3-none-any.whl": {f"{stem}-4.0.dist-info/METADATA": b"\0" * (20 * 1024 * 1024)},  # a zip bomb
        f"{stem}-5.0-py3-none-any.whl": {f"{stem}-5.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: other\nVersion: 5.0\n"},
        f"{stem}-6.0-py3-none-any.whl": {f"{stem}-6.0.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {stem}\nVersion: 6.1\n".encode()},
    }  # fmt: skip
    for name, entries in hostile.items():
        write_wheel(dist / name, entries)
    (dist / f"{stem}-7.0.tar.gz").write_bytes(sdist.read_bytes()[:300])
    (dist / "loop").symlink_to(dist)

    result = publish(project)

    assert result.returncode == 1
    assert "Nothing was uploaded: the batch has 6 problems" in result.output
    for name in (*hostile, f"{stem}-7.0.tar.gz"):
        if name.startswith(f"{stem}-4.0"):
            assert "is larger than 16 MiB; that is not metadata" in result.output
        else:
            assert name in result.output
    assert "Traceback" not in result.output
    assert warehouse.state.requests == []
    assert good.exists()


def test_a_wheel_rewritten_while_it_uploads_never_reaches_the_index_torn(sandbox, warehouse):
    configure(sandbox, warehouse)
    project = sandbox.project()
    project.dist.mkdir()
    module = project.name.replace("-", "_")
    # 16 MB that do not compress, stored: more than loopback's socket buffers take, so the upload is still sending
    # when the server starts reading, whatever the machine's load.
    members = wheel_members("1.0.0", name=project.name, module=module)
    members[f"{module}/blob.bin"] = os.urandom(16 * 1024 * 1024)
    wheel = write_zip(wheel_path(project.dist, "1.0.0", name=module), members, compression=zipfile.ZIP_STORED)
    warehouse.state.faults.append(Fault(FaultKind.SLOW_READ, seconds=3))
    command = sandbox.command("-o", "repo=warehouse", "-a", WAREHOUSE_TOKEN)
    env = {**sandbox.env, "NO_COLOR": "1"}
    running = subprocess.Popen(command, cwd=project.root, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)  # fmt: skip
    assert warehouse.state.reading.wait(30)
    with wheel.open("r+b") as stream:  # in place, same size: the first half becomes another build's
        half = stream.read(wheel.stat().st_size // 2)
        stream.seek(0)
        stream.write(half[::-1])
    output, _ = running.communicate(timeout=60)

    assert running.returncode == 1, output
    assert "changed since it was checked" in output, output
    assert warehouse.state.uploads == []
    assert WAREHOUSE_TOKEN not in output
