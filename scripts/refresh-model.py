#!/usr/bin/env python3
"""Vendors the maintenance-window part of botocore's SSM model into crates/core/model/ssm/.

The contract's tables (members, types, bounds, patterns, enums, list limits, paginators, modelled
errors) are generated from these files when the core crate builds (crates/core/build.rs, the
`model` module); this script is the only way they change. It downloads the pinned botocore wheel
from the package index (`pip download`, the registry CI may reach), checks the wheel's SHA-256,
and keeps what the maintenance-window family needs:

  service-2.json     metadata, every operation whose name holds "MaintenanceWindow", and the
                     shapes they reach (input, output, errors), as botocore ships them
  paginators-1.json  those operations' paginators
  LICENSE.txt, NOTICE  botocore's: the model is Apache-2.0 data (see README.md beside them)
  SOURCE.toml        where it came from: version, wheel and file SHA-256s

    scripts/refresh-model.py                  re-vendor the pinned version (no change expected)
    scripts/refresh-model.py --check          exit 1 if the committed files differ from the wheel's
    scripts/refresh-model.py --version 1.45.0 --sha256 HEX   move the pin (review the diff: a
                                              changed constraint changes the contract)
"""

import argparse
import gzip
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "core" / "model" / "ssm"
# The pin: the botocore of clients/python/requirements.txt, whose SDK the probes measure.
VERSION = "1.44.8"
WHEEL_SHA256 = "76342a76c338701db80dcb8afe1c9bd079283d6fffbb9d881442abb02a215043"
DATA = "botocore/data/ssm/2014-11-06/"
FAMILY = "MaintenanceWindow"


def fail(message):
    print(f"refresh-model: {message}", file=sys.stderr)
    sys.exit(2)


def download(version, tmp):
    """The botocore wheel of `version`, from the package index pip is configured with."""
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
           f"botocore=={version}", "-d", str(tmp)]
    if subprocess.run(cmd).returncode != 0:
        fail(f"pip could not download botocore=={version}")
    wheels = list(Path(tmp).glob(f"botocore-{version}-*.whl"))
    if len(wheels) != 1:
        fail(f"expected one botocore {version} wheel, found {[w.name for w in wheels]}")
    return wheels[0]


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def reachable_shapes(shapes, roots):
    """Every shape reachable from `roots` through members, list members and map keys/values."""
    seen, stack = set(), list(roots)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        if name not in shapes:
            fail(f"the model names a shape it does not define: {name}")
        seen.add(name)
        shape = shapes[name]
        stack.extend(shape[k]["shape"] for k in ("member", "key", "value") if k in shape)
        stack.extend(m["shape"] for m in shape.get("members", {}).values())
    return seen


def subset(service, paginators):
    """The family's operations, the shapes they reach, and their paginators (botocore's order)."""
    operations = {n: op for n, op in service["operations"].items() if FAMILY in n}
    roots = []
    for op in operations.values():
        roots += [op[k]["shape"] for k in ("input", "output") if k in op]
        roots += [e["shape"] for e in op.get("errors", [])]
    keep = reachable_shapes(service["shapes"], roots)
    shapes = {n: s for n, s in service["shapes"].items() if n in keep}
    pages = {n: p for n, p in paginators["pagination"].items() if n in operations}
    return (
        {"version": service.get("version", "2.0"), "metadata": service["metadata"],
         "operations": operations, "shapes": shapes},
        {"pagination": pages},
    )


def render(value):
    return (json.dumps(value, indent=1, ensure_ascii=False) + "\n").encode()


def vendored(version, wheel_path):
    """The files this script writes, by name, from the wheel at `wheel_path`."""
    with zipfile.ZipFile(wheel_path) as wheel:
        names = set(wheel.namelist())
        raw = wheel.read(DATA + "service-2.json.gz")
        service_bytes = gzip.decompress(raw)
        paginator_bytes = wheel.read(DATA + "paginators-1.json")
        dist = f"botocore-{version}.dist-info/"
        license_bytes = wheel.read(dist + "LICENSE.txt")
        notice_bytes = wheel.read(dist + "NOTICE") if dist + "NOTICE" in names else b""
    service, paginators = subset(json.loads(service_bytes), json.loads(paginator_bytes))
    files = {
        "service-2.json": render(service),
        "paginators-1.json": render(paginators),
        "LICENSE.txt": license_bytes,
        "NOTICE": notice_bytes,
    }
    source = [
        "# Written by scripts/refresh-model.py: where the files beside this one came from.",
        "# crates/core tests that each file's SHA-256 is the one recorded here (a hand edit fails).",
        'package = "botocore"',
        f'version = "{version}"',
        f'wheel = "{Path(wheel_path).name}"',
        f'wheel_sha256 = "{sha256(Path(wheel_path).read_bytes())}"',
        f'upstream_service_sha256 = "{sha256(service_bytes)}"  # {DATA}service-2.json.gz, decompressed',
        f'upstream_paginators_sha256 = "{sha256(paginator_bytes)}"',
        f'operations = "every operation whose name holds \\"{FAMILY}\\" ({len(service["operations"])}), '
        f'and the {len(service["shapes"])} shapes they reach"',
        "",
        "[sha256]",
    ]
    source += [f'"{name}" = "{sha256(data)}"' for name, data in sorted(files.items())]
    files["SOURCE.toml"] = ("\n".join(source) + "\n").encode()
    return files


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=VERSION, help=f"botocore version (default {VERSION})")
    parser.add_argument("--sha256", help="the wheel's SHA-256 (required with a --version other than the pin)")
    parser.add_argument("--check", action="store_true", help="compare with the committed files; write nothing")
    args = parser.parse_args()
    want = args.sha256 or (WHEEL_SHA256 if args.version == VERSION else None)
    if want is None:
        fail("a --version other than the pin needs --sha256 (from the package index's page of the wheel)")
    with tempfile.TemporaryDirectory() as tmp:
        wheel = download(args.version, tmp)
        got = sha256(wheel.read_bytes())
        if got != want:
            fail(f"{wheel.name}: SHA-256 {got}, expected {want}")
        files = vendored(args.version, wheel)
    if args.check:
        stale = [n for n, data in files.items() if not (OUT / n).is_file() or (OUT / n).read_bytes() != data]
        if stale:
            print(f"refresh-model: {', '.join(sorted(stale))} differ from botocore {args.version}", file=sys.stderr)
            sys.exit(1)
        print(f"refresh-model: crates/core/model/ssm is botocore {args.version}'s")
        return
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (OUT / name).write_bytes(data)
    print(f"refresh-model: wrote crates/core/model/ssm from botocore {args.version} ({wheel.name})")


if __name__ == "__main__":
    main()
