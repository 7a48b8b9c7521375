"""Side by side, in one run: this plugin, Hatch's own `index` publisher, twine and uv publish.

Run with `hatch run bench:all` (sizes and counts are flags: `hatch run bench:all --help`). Every tool is started from
its own command line against the same local servers on 127.0.0.1, the runs interleaved, and the medians printed with
their ratios: wall time, CPU time (user + system) and peak memory (max RSS) of the publishing process.

Workloads:
- many:      N platform wheels + 1 sdist, each `--file-mb`, to a server that answers each upload after `--delay`
             seconds (standing in for PyPI's per-upload processing)
- big:       one `--big-mb` wheel to a server that discards the body at once (the client's own cost only)
- devpi:     the many-files release to devpi-server, which serialises writes (parallelism cannot help there)
- republish: the many-files release again, to devpi-server that already holds it
- batch:     `--batch-files` tiny wheels of one release in one directory (2,500, 5,000 and 10,000 by default), to a
             server that discards them: the cost per file, which should not grow with the batch
- signing:   `--sign-files` small wheels published by the plugin with `-o sign=true` (Sigstore: a loopback Fulcio and
             Rekor, devtools/sigstore.py) and without, interleaved, to a discarding server: the signing time per
             file (the difference of the medians, divided by the files); no peer signs while it publishes
- pages:     a simple page of `--page-links` links and one of `--page-depth` nested tags, each read by the plugin's
             parser alone (in a process of its own: wall time and peak memory); no peer reads a project page on its
             way to uploading but uv with `--check-url`, which is not a parser on its own to time
"""

from __future__ import annotations

import argparse
import compileall
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from uv import find_uv_bin

import hatch_custom_index

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devtools.discarding import DiscardingServer
from devtools.servers import DevpiServer

PROJECT = "bench-project"
USER, PASSWORD = "bench", "bench-password"
PLATFORMS = [
    f"cp3{minor}-cp3{minor}-{platform}"
    for minor in range(9, 15)
    for platform in ("manylinux_2_17_x86_64", "manylinux_2_17_aarch64", "musllinux_1_2_x86_64", "macosx_11_0_arm64",
                     "win_amd64")
]  # fmt: skip
OURS = "custom-index"
OURS_MD5 = "custom-index-md5"  # with option md5, as Artifactory gets it: what md5 costs
OURS_SIGNED = "custom-index-signed"  # with option sign = true, against the loopback Sigstore
SIGNING: dict[str, str] = {}  # the loopback Sigstore's trust config, while the signing workload runs
PEERS = ("hatch-index", "twine", "uv")
WHOLE_DIRECTORY = 100  # files: a batch this big is given as its directory, as a user would


# --- workloads --------------------------------------------------------------------------------------------------------


def metadata(version: str) -> str:
    return f"Metadata-Version: 2.4\nName: {PROJECT}\nVersion: {version}\nSummary: A benchmark release\n"


def make_wheel(directory: Path, version: str, tag: str, size: int) -> Path:
    """A wheel with valid metadata and `size` bytes of incompressible payload."""
    stem = f"{PROJECT.replace('-', '_')}-{version}"
    path = directory / f"{stem}-{tag}.whl"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as wheel:
        wheel.writestr(f"{stem}.dist-info/METADATA", metadata(version))
        wheel.writestr(
            f"{stem}.dist-info/WHEEL", f"Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: false\nTag: {tag}\n"
        )
        wheel.writestr(f"{stem}.dist-info/RECORD", "")
        with wheel.open(f"{PROJECT.replace('-', '_')}/payload.bin", "w", force_zip64=True) as payload:
            remaining = size
            while remaining:
                chunk = os.urandom(min(remaining, 1 << 20))
                payload.write(chunk)
                remaining -= len(chunk)
    return path


def make_sdist(directory: Path, version: str, size: int) -> Path:
    stem = f"{PROJECT.replace('-', '_')}-{version}"
    path = directory / f"{stem}.tar.gz"
    with tarfile.open(path, "w:gz", compresslevel=1) as sdist:
        for name, data in ((f"{stem}/PKG-INFO", metadata(version).encode()), (f"{stem}/payload.bin", os.urandom(size))):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            sdist.addfile(info, io.BytesIO(data))
    return path


def batch_files(directory: Path, count: int) -> list[Path]:
    """`count` tiny wheels of one release, told apart by their build tags (one release: every upload may go at once)."""
    directory.mkdir(parents=True, exist_ok=True)
    return [make_wheel(directory, "1.0.0", f"{number}-py3-none-any", 512) for number in range(1, count + 1)]


def many_files(directory: Path, count: int, size: int, version: str = "1.0.0") -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    return [make_sdist(directory, version, size)] + [
        make_wheel(
            directory, version, PLATFORMS[i % len(PLATFORMS)] if i < len(PLATFORMS) else f"py3{i}-none-any", size
        )
        for i in range(count)
    ]


# --- tools ------------------------------------------------------------------------------------------------------------


def command(tool: str, url: str, files: list[Path], simple_url: str | None) -> list[str]:
    paths = [str(path) for path in files]
    if len(files) > WHOLE_DIRECTORY:  # given as a directory to Hatch's publishers, as a glob to the others
        directory = files[0].parent
        paths = [str(directory / "*.whl")] if tool in {"twine", "uv"} else [str(directory)]
    if tool in {OURS, OURS_MD5, OURS_SIGNED}:
        options = ["-o", f"repo={url}", "-o", f"user={USER}", "-o", f"auth={PASSWORD}"]
        options += ["-o", "md5=true"] if tool == OURS_MD5 else []
        options += ["-o", "sign=true", "-o", f"sigstore={SIGNING['trust']}"] if tool == OURS_SIGNED else []
        if simple_url:
            options += ["-o", f"simple-url={simple_url}"]
        return [sys.executable, "-m", "hatch", "publish", "-p", OURS, *options, *paths]
    if tool == "hatch-index":
        return [sys.executable, "-m", "hatch", "publish", "-r", url, "-u", USER, "-a", PASSWORD, *paths]
    if tool == "twine":
        options = ["--non-interactive", "--disable-progress-bar"]
        return [sys.executable, "-m", "twine", "upload", *options, "--repository-url", url, "-u", USER, "-p", PASSWORD, *paths]  # fmt: skip
    if tool == "uv":
        check = ["--check-url", simple_url] if simple_url else []
        return [find_uv_bin(), "publish", "--publish-url", url, "--username", USER, "--password", PASSWORD, *check, *paths]  # fmt: skip
    raise ValueError(tool)


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mib: float


@dataclass
class Results:
    samples: dict[str, list[Sample]] = field(default_factory=dict)

    def median(self, tool: str, metric: str) -> float:
        return statistics.median(getattr(sample, metric) for sample in self.samples[tool])


# Runs each command and reports its kernel accounting. It is started first, while this process is still small:
# a child's peak memory (max RSS) counts what it inherited before exec, so children must come from a small process.
SPAWNER = """
import json, os, subprocess, sys, tempfile, time
for line in sys.stdin:
    job = json.loads(line)
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(job["cmd"], env=job["env"], cwd=job["cwd"], stdin=subprocess.DEVNULL,
                                   stdout=output, stderr=output)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        output.seek(0)
        text = output.read().decode(errors="replace")[-2000:]
    code = os.waitstatus_to_exitcode(status)
    print(json.dumps({"code": code, "output": text, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                      "rss_mib": usage.ru_maxrss / 1024}), flush=True)
"""


class Spawner:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", SPAWNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def run(self, cmd: list[str], env: dict[str, str], cwd: Path) -> Sample:
        """Run one publish; its wall time, CPU time and peak memory from the kernel's accounting of that process."""
        self.process.stdin.write(json.dumps({"cmd": cmd, "env": env, "cwd": str(cwd)}) + "\n")  # type: ignore[union-attr]
        self.process.stdin.flush()  # type: ignore[union-attr]
        result = json.loads(self.process.stdout.readline())  # type: ignore[union-attr]
        if result["code"] != 0:
            message = f"{' '.join(cmd[:4])} failed ({result['code']}):\n{result['output']}"
            raise RuntimeError(message)
        return Sample(result["wall"], result["cpu"], result["rss_mib"])

    def close(self) -> None:
        self.process.stdin.close()  # type: ignore[union-attr]
        self.process.wait()


SPAWNER_PROCESS: list[Spawner] = []  # started first thing in main()


def run(cmd: list[str], env: dict[str, str], cwd: Path) -> Sample:
    return SPAWNER_PROCESS[0].run(cmd, env, cwd)


def environment(home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HATCH_", "TWINE_", "UV_"))}
    env.update(
        HOME=str(home),
        HATCH_CONFIG=str(home / "hatch-config.toml"),
        HATCH_CACHE_DIR=str(home / "hatch-cache"),
        HATCH_DATA_DIR=str(home / "hatch-data"),
        UV_CACHE_DIR=str(home / "uv-cache"),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        NO_COLOR="1",
    )
    (home / "hatch-config.toml").write_text("")
    return env


def compare(
    name: str,
    tools: list[str],
    runs: int,
    files: list[Path],
    url: str,
    simple_url: str | None,
    env: dict[str, str],
    cwd: Path,
    before_each=None,
) -> Results:
    results = Results({tool: [] for tool in tools})
    for round_number in range(runs):
        order = tools[round_number % len(tools) :] + tools[: round_number % len(tools)]  # interleaved, rotated
        for tool in order:
            if before_each:
                before_each()
            results.samples[tool].append(run(command(tool, url, files, simple_url), env, cwd))
        print(f"  {name}: round {round_number + 1}/{runs} done", file=sys.stderr, flush=True)
    return results


# --- report -----------------------------------------------------------------------------------------------------------


def table(title: str, results: Results, files: int = 0) -> str:
    tools = list(results.samples)
    peers = [tool for tool in tools if tool in PEERS]
    fastest = min(peers, key=lambda tool: results.median(tool, "wall")) if peers else None
    lines = [
        f"#### {title}",
        "",
        "| tool | wall (s) | CPU (s) | peak memory (MiB) | wall ÷ fastest peer | memory ÷ hatch-index |"
        + (" ms per file |" if files else ""),
        "|---|---:|---:|---:|---:|---:|" + ("---:|" if files else ""),
    ]
    for tool in tools:
        wall, cpu, rss = (results.median(tool, metric) for metric in ("wall", "cpu", "rss_mib"))
        ratio = f"{wall / results.median(fastest, 'wall'):.2f}" if fastest else "—"
        memory = f"{rss / results.median('hatch-index', 'rss_mib'):.2f}" if "hatch-index" in tools else "—"
        per_file = f" {wall / files * 1000:.2f} |" if files else ""
        lines.append(f"| {tool} | {wall:.2f} | {cpu:.2f} | {rss:.1f} | {ratio} | {memory} |{per_file}")
    if fastest:
        lines += ["", f"Fastest peer: {fastest}. Medians of {len(results.samples[tools[0]])} interleaved runs."]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--wheels", type=int, default=30, help="platform wheels in the many-files release")
    parser.add_argument("--file-mb", type=float, default=2, help="size of each file of the many-files release")
    parser.add_argument("--delay", type=float, default=0.4, help="seconds the server takes per upload (many)")
    parser.add_argument("--big-mb", type=float, default=300, help="size of the one large wheel")
    parser.add_argument("--batch-files", default="2500,5000,10000", help="sizes of the batch of tiny wheels")
    parser.add_argument("--batch-tools", default=None, help="tools for the batch (default: --tools)")
    parser.add_argument("--page-links", default="250000,500000,1000000", help="links of the big simple pages")
    parser.add_argument("--page-depth", default="625000,1250000,2500000", help="depths of the nested-tag pages")
    parser.add_argument("--sign-files", type=int, default=10, help="wheels of the signing workload")
    parser.add_argument("--workloads", default="many,big,devpi,republish,batch,signing,pages")
    parser.add_argument("--tools", default=",".join((OURS, *PEERS)), help=f"also {OURS_MD5}: ours with md5")
    args = parser.parse_args()
    SPAWNER_PROCESS.append(Spawner())
    compile_plugin()
    tools = args.tools.split(",")
    workloads = args.workloads.split(",")

    with tempfile.TemporaryDirectory(prefix="hatch-custom-index-bench-") as temp:
        work = Path(temp)
        (work / "home").mkdir()
        env = environment(work / "home")
        many = many_files(work / "many", args.wheels, int(args.file_mb * 1024 * 1024))
        reports = [f"Machine: {machine()}", ""]

        if "many" in workloads:
            with DiscardingServer(delay=args.delay) as server:
                results = compare("many", tools, args.runs, many, server.url, None, env, work)
            reports += [table(f"{len(many)} files of {args.file_mb:g} MB, {args.delay:g} s per upload", results), ""]

        if "big" in workloads:
            big_dir = work / "big"
            big_dir.mkdir()
            big = [make_wheel(big_dir, "1.0.0", "py3-none-any", int(args.big_mb * 1024 * 1024))]
            with DiscardingServer() as server:
                results = compare("big", tools, args.runs, big, server.url, None, env, work)
            reports += [table(f"one {args.big_mb:g} MB wheel, discarding server", results), ""]

        if {"devpi", "republish"} & set(workloads):
            with DevpiServer(work / "devpi", user=USER, password=PASSWORD, volatile=True) as devpi:
                if "devpi" in workloads:
                    results = compare(
                        "devpi", tools, args.runs, many, devpi.url, devpi.simple_url, env, work,
                        before_each=lambda: devpi.delete_project(PROJECT),
                    )  # fmt: skip
                    reports += [table(f"{len(many)} files of {args.file_mb:g} MB to devpi-server", results), ""]
                if "republish" in workloads:
                    devpi.delete_project(PROJECT)
                    run(command(OURS, devpi.url, many, devpi.simple_url), env, work)
                    results = compare("republish", tools, args.runs, many, devpi.url, devpi.simple_url, env, work)
                    reports += [table(f"re-publishing {len(many)} files already on devpi-server", results), ""]
        if "batch" in workloads:
            batch_tools = (args.batch_tools or args.tools).split(",")
            for count in (int(number) for number in args.batch_files.split(",")):
                files = batch_files(work / f"batch-{count}", count)
                with DiscardingServer() as server:
                    results = compare(f"batch {count}", batch_tools, args.runs, files, server.url, None, env, work)
                reports += [table(f"{count:,} tiny wheels in one directory, discarding server", results, count), ""]
                shutil.rmtree(work / f"batch-{count}", ignore_errors=True)

        if "signing" in workloads:
            reports += [signing_table(work, args.runs, args.sign_files, env), ""]

        if "pages" in workloads:
            reports += [pages_table(work, args.runs, env, args.page_links, args.page_depth), ""]
        shutil.rmtree(work / "many", ignore_errors=True)
    SPAWNER_PROCESS[0].close()
    print("\n".join(reports))
    return 0


# Builds a page in a file, in pieces (so its maker's memory is not counted), then reads it in a process of its own.
PAGE_MAKER = """
import sys
kind, count, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "wb") as page:
    page.write(b"<!DOCTYPE html>\\n<html><body>\\n")
    for start in range(0, count, 10000):
        numbers = range(start, min(count, start + 10000))
        if kind == "links":
            page.write("".join(f'<a href="demo-1.0.{n}.tar.gz">demo-1.0.{n}.tar.gz</a><br>\\n' for n in numbers).encode())
        else:
            page.write(b"<div>" * len(numbers))
"""
PAGE_READER = """
import resource, sys, time
import httpx2
from hatch_custom_index.index.simple import parse_simple_page
with open(sys.argv[1], "rb") as page:
    response = httpx2.Response(200, headers={"Content-Type": "text/html"}, content=page.read())
started = time.perf_counter()
files = parse_simple_page(response)
wall = time.perf_counter() - started
print(wall, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, len(files), len(response.content))
"""


def signing_table(work: Path, runs: int, count: int, env: dict[str, str]) -> str:
    """The plugin with and without `sign = true`, interleaved: what signing costs per file against a loopback
    Sigstore (one certificate for the batch, one Rekor entry per file, each attestation verified)."""
    from devtools.sigstore import SigstoreStandIn, identity_token  # noqa: PLC0415 -- needs the extra's libraries

    files = many_files(work / "signing", count, 100 * 1024)

    def fresh() -> None:  # each run signs every file again, with an identity token that has not expired
        for path in files[0].parent.glob("*.publish.attestation"):
            path.unlink()
        env["SIGSTORE_ID_TOKEN"] = identity_token()

    with SigstoreStandIn() as sigstore, DiscardingServer() as server:
        SIGNING["trust"] = str(sigstore.write_trust_config(work / "trust_config.json"))
        results = compare("signing", [OURS, OURS_SIGNED], runs, files, server.url, None, env, work, before_each=fresh)
    env.pop("SIGSTORE_ID_TOKEN", None)
    per_file = (results.median(OURS_SIGNED, "wall") - results.median(OURS, "wall")) / len(files) * 1000
    return (
        table(f"{len(files)} small files signed with Sigstore (loopback Fulcio and Rekor), discarding server", results)
        + f"\n\nSigning costs {per_file:.0f} ms per file (the difference of the medians ÷ {len(files)} files)."
    )


def pages_table(work: Path, runs: int, env: dict[str, str], links: str, depths: str) -> str:
    """The plugin's parse of ever bigger pages: medians of `runs`, each in a fresh process."""
    lines = [
        "#### big simple pages (PEP 503 HTML), the plugin's parser",
        "",
        "| page | size (MB) | parse (s) | µs per unit | peak memory (MiB) |",
        "|---|---:|---:|---:|---:|",
    ]
    cases = [("links", int(n)) for n in links.split(",")] + [("nest", int(n)) for n in depths.split(",")]
    for kind, count in cases:
        path = work / f"page-{kind}-{count}.html"
        subprocess.run([sys.executable, "-c", PAGE_MAKER, kind, str(count), str(path)], check=True)
        samples = []
        for _ in range(runs):
            output = subprocess.run(
                [sys.executable, "-c", PAGE_READER, str(path)], env=env, check=True, capture_output=True, text=True
            ).stdout.split()
            samples.append((float(output[0]), float(output[1]), int(output[3])))
        wall = statistics.median(sample[0] for sample in samples)
        rss = statistics.median(sample[1] for sample in samples)
        what = f"{count:,} links" if kind == "links" else f"{count:,} nested `<div>`"
        size = samples[0][2] / 1e6
        lines.append(f"| {what} | {size:.1f} | {wall:.2f} | {wall / count * 1e6:.2f} | {rss:.0f} |")
        path.unlink()
        print(f"  pages: {what} done", file=sys.stderr, flush=True)
    lines += ["", f"Medians of {runs} runs, each in a process of its own."]
    return "\n".join(lines)


def compile_plugin() -> None:
    """Byte-compile the plugin and everything installed beside it, as `pip install` does: Hatch's uv installs without
    bytecode, and under PYTHONDONTWRITEBYTECODE every run would compile Hatch, httpx2, rich... (0.19 s measured), a
    cost no user of a pip-installed Hatch pays."""
    compileall.compile_dir(Path(hatch_custom_index.__file__).parent, quiet=1)
    compileall.compile_dir(sysconfig.get_paths()["purelib"], quiet=1, workers=0)


def machine() -> str:
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


if __name__ == "__main__":
    sys.exit(main())
