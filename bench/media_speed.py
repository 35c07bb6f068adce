"""Media benchmarks: hashing throughput against plain JPEG decoding, recall of transformed copies,
near-duplicate query latency against 10M PDQ hashes, and a 1M-file intake with bounded memory.

    python bench/media_speed.py                      # everything (about 20-30 minutes on 2 cores)
    python bench/media_speed.py --parts throughput recall
    python bench/media_speed.py --parts query --hashes 1000000

Each part runs in its own process (peak RSS is that process's and its children's). Results go to
bench/results/<date>-media.json and .md; docs/media.md and docs/performance.md explain them.
Every picture is generated (shapes over noise): no real imagery.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def _rss_mb() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_rss_mb": round(own, 1), "peak_rss_children_mb": round(kids, 1)}


# ---------------------------------------------------------------- throughput

SIZES = {"0.3 MP (640x480)": (640, 480), "1.2 MP (1280x960)": (1280, 960), "12 MP (4000x3000)": (4000, 3000)}

# Each side runs in a fresh interpreter; the clock and the CPU count start after the imports. CPU seconds
# are user+sys of that process and of its worker processes (reaped before the end: RUSAGE_CHILDREN).
_CLOCK = """
import json, os, resource, sys, time
def cpu():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime
"""
_PEER = _CLOCK + """
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from PIL import Image
def decode(path):
    with Image.open(path) as img:
        img.load()
        return img.size[0]
folder = sys.argv[1]
paths = sorted(os.path.join(folder, p) for p in os.listdir(folder))
c, t = cpu(), time.perf_counter()
with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
    n = sum(1 for _ in pool.map(decode, paths, chunksize=8))
print(json.dumps({"files": n, "wall_s": time.perf_counter() - t, "cpu_s": cpu() - c}))
"""
_OURS = _CLOCK + """
from pathlib import Path
from rescue import operation
from rescue.media.intake import run_intake
folder, op_dir = sys.argv[1], Path(sys.argv[2])
op = operation.init(op_dir)  # an operation exists before an intake (rescue init)
c, t = cpu(), time.perf_counter()
res = run_intake(op, Path(folder), workers=2)
print(json.dumps({"files": res.files, "images": res.images, "wall_s": time.perf_counter() - t, "cpu_s": cpu() - c}))
"""


def _photo(job: tuple[Path, int, tuple[int, int], int]) -> int:
    from rescue.media.generated import encode, picture

    path, i, size, seed = job
    data = encode(picture(np.random.default_rng([seed, i]), *size, grain=6.0), "JPEG", 92)
    path.write_bytes(data)
    return len(data)


def _make_photos(folder: Path, n: int, size: tuple[int, int], seed: int) -> int:
    """Generated camera-like JPEGs (shapes over noise with grain, quality 92): no real imagery."""
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        return sum(pool.map(_photo, [(folder / f"p{i:05d}.jpg", i, size, seed) for i in range(n)]))


def _run(code: str, *argv: str) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, check=True)
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def _throughput_one(label: str, size: tuple[int, int], n: int, rounds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "photos"
        folder.mkdir()
        nbytes = _make_photos(folder, n, size, seed=1)
        for p in folder.iterdir():  # into the page cache before either side runs
            p.read_bytes()
        empty = Path(tmp) / "empty"
        empty.mkdir()
        peers, ours, startups = [], [], []
        for r in range(rounds):  # alternate the two sides: both see the same load
            peers.append(_run(_PEER, str(folder)))
            ours.append(_run(_OURS, str(folder), str(Path(tmp) / f"op{r}")))
            startups.append(_run(_OURS, str(empty), str(Path(tmp) / f"empty{r}")))
            assert ours[-1]["images"] == n and peers[-1]["files"] == n
        ratios = [p["wall_s"] / o["wall_s"] for p, o in zip(peers, ours, strict=True)]
        best = sorted(range(rounds), key=lambda i: ratios[i])[rounds // 2]  # the round with the median ratio
        peer, our, start = peers[best], ours[best], float(np.median([s["wall_s"] for s in startups]))
        out = {
            "files": n, "mb": round(nbytes / 1e6, 1), "rounds": rounds,
            "peer_wall_s": round(peer["wall_s"], 2), "peer_cpu_s": round(peer["cpu_s"], 2),
            "peer_files_per_s": round(n / peer["wall_s"], 1),
            "peer_cpu_ms_per_file": round(1000 * peer["cpu_s"] / n, 2),
            "intake_wall_s": round(our["wall_s"], 2), "intake_cpu_s": round(our["cpu_s"], 2),
            "intake_files_per_s": round(n / our["wall_s"], 1),
            "intake_cpu_ms_per_file": round(1000 * our["cpu_s"] / n, 2),
            "throughput_ratio": round(ratios[best], 3),
            "throughput_ratios_all_rounds": [round(x, 3) for x in ratios],
            "cpu_ratio": round(peer["cpu_s"] / our["cpu_s"], 3),
            "intake_startup_s": round(start, 2),
            "throughput_ratio_after_startup": round(peer["wall_s"] / max(our["wall_s"] - start, 1e-9), 3),
            "load_average": [round(x, 1) for x in os.getloadavg()],
        }
        print(label, out, flush=True)
        return out


def part_throughput(args: argparse.Namespace) -> dict[str, Any]:
    counts = {"0.3 MP (640x480)": args.photos * 25, "1.2 MP (1280x960)": args.photos * 10,
              "12 MP (4000x3000)": args.photos}
    out: dict[str, Any] = {
        "peer": "Pillow open + load() (full decode) of the same files, ProcessPoolExecutor(2, fork), map chunksize 8",
        "intake": "run_intake(workers=2) into a new operation: store opened and tables created, MD5+SHA-1+SHA-256, "
                  "EXIF, draft decode, PDQ x8 with quality, rows written to DuckDB, store closed",
        "clock": "each side in a fresh interpreter, timed after imports; CPU = user+sys of the process and workers",
    }
    for label, size in SIZES.items():
        if args.sizes and not any(label.startswith(s) for s in args.sizes):
            continue
        out[label] = _throughput_one(label, size, counts[label], args.rounds)
    return out


# ---------------------------------------------------------------- per-file profile

def _profile_one(folder: Path, rounds: int) -> dict[str, float]:
    """CPU ms per file of each step, in this process (one core), the steps interleaved round by round
    and the minimum over rounds kept (other sessions' load only ever adds)."""
    import hashlib
    import io

    import pdqhash
    from PIL import Image

    from rescue.media import process
    from rescue.media.exif import read_exif
    from rescue.media.pdq import rgb_of

    paths = sorted(str(p) for p in folder.iterdir())
    datas = [Path(p).read_bytes() for p in paths]
    rgbs = []
    for d in datas:
        with Image.open(io.BytesIO(d)) as img:
            rgbs.append(rgb_of(img)[0])

    def peer() -> None:
        for p in paths:
            with Image.open(p) as img:
                img.load()

    def read() -> None:
        for p in paths:
            with open(p, "rb") as fh:
                fh.read()

    def digests() -> None:
        for d in datas:
            for algo in (hashlib.md5, hashlib.sha1, hashlib.sha256):
                algo(d).hexdigest()

    def open_exif() -> None:
        for d in datas:
            with Image.open(io.BytesIO(d)) as img:
                read_exif(img)

    def decode() -> None:
        for d in datas:
            with Image.open(io.BytesIO(d)) as img:
                rgb_of(img)

    def pdq_c() -> None:
        from rescue.media import _pdq

        for r in rgbs:
            _pdq.hashes(r)

    def pdq_reference() -> None:
        for r in rgbs:
            pdqhash.compute_dihedral(np.ascontiguousarray(r))

    def worker() -> None:
        process.process_batch([(process.process_path, (p, 256 << 20)) for p in paths])

    steps = {"peer_full_decode": peer, "read": read, "md5_sha1_sha256": digests, "open_and_exif": open_exif,
             "draft_decode_and_pixels": decode, "pdq_x8_rescue_c": pdq_c, "pdq_x8_pdqhash": pdq_reference,
             "worker_whole_file": worker}
    best = dict.fromkeys(steps, float("inf"))
    for _ in range(rounds):
        for name, fn in steps.items():
            t = time.process_time()
            fn()
            best[name] = min(best[name], 1000 * (time.process_time() - t) / len(paths))
    return {k: round(v, 3) for k, v in best.items()}


def part_profile(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {"unit": "CPU ms per file, one process, minimum over rounds",
                           "draft": "the array PDQ is computed on: JPEG DCT-scaled to the smallest scale keeping "
                                    "both sides >= 256 px (640x480 stays 640x480, 1280x960 -> 640x480, "
                                    "4000x3000 -> 500x375)"}
    for label, size in SIZES.items():
        if args.sizes and not any(label.startswith(s) for s in args.sizes):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            n = 10 if size[0] > 2000 else 30
            _make_photos(folder, n, size, seed=2)
            out[label] = _profile_one(folder, args.rounds * 3)
            print(label, out[label], flush=True)
    return out


# ---------------------------------------------------------------- recall

def part_recall(args: argparse.Namespace) -> dict[str, Any]:
    from rescue.media.generated import TRANSFORMS, crop, encode, picture
    from rescue.media.pdq import hamming, hash_image

    rng = np.random.default_rng(5)
    transforms = {**TRANSFORMS, "reencode_q40": lambda im: im, "crop5": lambda im: crop(im, 0.05),
                  "crop10": lambda im: crop(im, 0.10), "crop20": lambda im: crop(im, 0.20)}
    del transforms["identity"]
    hits = {name: [0, 0] for name in transforms}  # with variants, as-is only
    dists: dict[str, list[int]] = {name: [] for name in transforms}
    originals = []
    for _ in range(args.recall_images):
        img = picture(rng, 640, 480)
        originals.append(hash_image(encode(img, "JPEG", 90), dihedral=False).pdq)
        for name, fn in transforms.items():
            q = hash_image(encode(fn(img), "JPEG", 40 if name == "reencode_q40" else 80))
            best = min(hamming(v, originals[-1]) for v in q.variants)
            dists[name].append(best)
            hits[name][0] += best <= 31
            hits[name][1] += hamming(q.pdq, originals[-1]) <= 31
    unrelated = [hamming(originals[i], originals[j]) for i in range(len(originals))
                 for j in range(i + 1, len(originals))]
    n = args.recall_images
    out: dict[str, Any] = {name: {"recall_with_variants": round(h[0] / n, 3), "recall_as_is": round(h[1] / n, 3),
                                  "median_distance": int(np.median(dists[name])),
                                  "p10_distance": int(np.percentile(dists[name], 10)),
                                  "max_distance": int(max(dists[name]))} for name, h in hits.items()}
    out["pictures"] = f"{n} generated 640x480 pictures (shapes over smooth noise), JPEG q90 original, q80 copies; " \
                      "cropN: N% cut from every side (the picture keeps (100-2N)% of its width and height)"
    out["unrelated"] = {"pairs": len(unrelated), "min_distance": int(min(unrelated)),
                        "median_distance": int(np.median(unrelated)),
                        "false_matches_at_31": int(sum(d <= 31 for d in unrelated))}
    print(json.dumps(out, indent=1), flush=True)
    return out


# ---------------------------------------------------------------- query latency

def part_query(args: argparse.Namespace) -> dict[str, Any]:
    import faiss

    n, nq = args.hashes, 200
    rng = np.random.default_rng(9)
    codes = rng.integers(0, 256, size=(n, 32), dtype=np.uint8)
    truth = rng.integers(0, n, nq)
    queries = codes[truth].copy()
    for row, k in zip(queries, rng.integers(0, 32, nq), strict=True):  # 0..31 bits changed
        for b in rng.choice(256, int(k), replace=False):
            row[b // 8] ^= np.uint8(1 << (b % 8))
    out: dict[str, Any] = {"hashes": n, "queries": nq, "radius": 31, "load": os.getloadavg()}
    configs: list[tuple[str, Any]] = []
    t = time.perf_counter()
    mh = faiss.IndexBinaryMultiHash(256, 11, 23)  # 11 x 23 bits, 2 flips: every code at distance <= 31 is found
    mh.nflip = 2
    mh.add(codes)
    out["multihash_build_s"] = round(time.perf_counter() - t, 1)
    configs.append(("IndexBinaryMultiHash(11x23 bits, nflip=2)", mh))
    flat = faiss.IndexBinaryFlat(256)
    flat.add(codes)
    configs.append(("IndexBinaryFlat (exact peer)", flat))
    faiss.omp_set_num_threads(1)  # one query on one thread: its CPU time is not inflated by other work
    for name, index in configs:
        times, cpu, found = [], [], 0
        for i in range(nq if "Multi" in name else min(nq, 40)):
            t, c = time.perf_counter(), time.thread_time()
            _, _, labels = index.range_search(queries[i:i + 1], 32)
            times.append(time.perf_counter() - t)
            cpu.append(time.thread_time() - c)
            found += int(truth[i]) in set(labels.tolist())
        out[name] = {"median_ms": round(1000 * float(np.median(times)), 2),
                     "p95_ms": round(1000 * float(np.percentile(times, 95)), 2),
                     "median_cpu_ms": round(1000 * float(np.median(cpu)), 2),
                     "recall": round(found / len(times), 3), "queries": len(times)}
        print(name, out[name], flush=True)
    out.update(_rss_mb())
    return out


# ---------------------------------------------------------------- 1M-file intake

def _tar_of_small_files(path: Path, n: int) -> None:
    import io
    import tarfile

    from rescue.media.generated import encode, picture

    rng = np.random.default_rng(3)
    pngs = [encode(picture(rng, 32, 24), "PNG") for _ in range(50)]
    with tarfile.open(path, "w") as tf:
        for i in range(n):
            data = pngs[i % 50] if i % 100 == 0 else f"file {i}\n".encode()
            info = tarfile.TarInfo(f"d{i // 1000:04d}/f{i:07d}.{'png' if i % 100 == 0 else 'txt'}")
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))


def part_intake(args: argparse.Namespace) -> dict[str, Any]:
    from rescue import operation

    out: dict[str, Any] = {}
    for n in args.intake_files:
        with tempfile.TemporaryDirectory() as tmp:
            tar = Path(tmp) / "many.tar"
            _tar_of_small_files(tar, n)
            op = operation.init(Path(tmp) / "op")
            code = ("import sys, time, resource; from pathlib import Path; from rescue import operation;"
                    "from rescue.media.intake import run_intake; t = time.perf_counter();"
                    "r = run_intake(operation.load(Path(sys.argv[1])), Path(sys.argv[2]), workers=2);"
                    "print(r.files, round(time.perf_counter() - t, 1),"
                    " resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,"
                    " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)")
            got = subprocess.run([sys.executable, "-c", code, str(op.root), str(tar)], capture_output=True, text=True,
                                 check=True).stdout.split()
            files, secs, rss, kids = int(got[0]), float(got[1]), int(got[2]), int(got[3])
            out[str(n)] = {"files": files, "tar_mb": round(tar.stat().st_size / 1e6, 1), "seconds": secs,
                           "files_per_s": round(files / secs), "peak_rss_mb": rss, "peak_rss_worker_mb": kids}
            print(n, out[str(n)], flush=True)
    return out


PARTS = {"profile": part_profile, "throughput": part_throughput, "recall": part_recall, "query": part_query,
         "intake": part_intake}


def _save(part: str, result: dict[str, Any]) -> Path:
    """Merge one part's result into today's bench/results/<date>-media.json (each part keeps its latest run)."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{dt.date.today().isoformat()}-media.json"
    data: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    data[part] = {"measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                  "load_average": [round(x, 1) for x in os.getloadavg()], "cpus": os.cpu_count(), **result}
    path.write_text(json.dumps(data, indent=1) + "\n")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parts", nargs="+", choices=list(PARTS), default=list(PARTS))
    ap.add_argument("--photos", type=int, default=40,
                    help="12 MP photos (10x as many 1.2 MP ones, 25x as many 0.3 MP ones)")
    ap.add_argument("--sizes", nargs="*", default=[], help="throughput sizes to run, e.g. 1.2 0.3 (default all)")
    ap.add_argument("--rounds", type=int, default=3, help="throughput: alternating peer/intake rounds")
    ap.add_argument("--recall-images", type=int, default=200)
    ap.add_argument("--hashes", type=int, default=10_000_000)
    ap.add_argument("--intake-files", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        result = PARTS[args.one](args)
        _save(args.one, result)
        print(json.dumps(result))
        return
    for part in args.parts:
        cmd = [sys.executable, __file__, "--one", part, "--photos", str(args.photos), "--rounds", str(args.rounds),
               "--sizes", *args.sizes, "--recall-images",
               str(args.recall_images), "--hashes", str(args.hashes), "--intake-files",
               *map(str, args.intake_files)]
        proc = subprocess.run(cmd, text=True)
        if proc.returncode:
            print(f"{part}: failed (exit {proc.returncode})", file=sys.stderr)
    print(f"results in {RESULTS}/{dt.date.today().isoformat()}-media.json")


if __name__ == "__main__":
    main()
