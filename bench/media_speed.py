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

def _make_photos(folder: Path, n: int, size: tuple[int, int], seed: int) -> int:
    from rescue.media.generated import encode, picture

    rng = np.random.default_rng(seed)
    total = 0
    for i in range(n):
        data = encode(picture(rng, *size, grain=6.0), "JPEG", 92)
        (folder / f"p{i:04d}.jpg").write_bytes(data)
        total += len(data)
    return total


def _full_decode(path: str) -> int:
    from PIL import Image

    with Image.open(path) as img:
        img.load()
        return int(img.size[0])


def part_throughput(args: argparse.Namespace) -> dict[str, Any]:
    from rescue import operation
    from rescue.media.intake import run_intake

    out: dict[str, Any] = {}
    for label, size, n in (("12 MP (4000x3000)", (4000, 3000), args.photos), ("1.2 MP (1280x960)", (1280, 960),
                                                                              args.photos * 4)):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "photos"
            folder.mkdir()
            nbytes = _make_photos(folder, n, size, seed=1)
            paths = sorted(str(p) for p in folder.iterdir())
            ctx = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(2, mp_context=ctx) as pool:
                list(pool.map(_full_decode, paths[:2]))  # warm the workers up
                t = time.perf_counter()
                list(pool.map(_full_decode, paths, chunksize=4))
                peer = time.perf_counter() - t
            empty = Path(tmp) / "empty"
            empty.mkdir()
            t = time.perf_counter()
            run_intake(operation.init(Path(tmp) / "op0"), empty, workers=2)
            startup = time.perf_counter() - t  # forking and warming the pool, opening the store
            op = operation.init(Path(tmp) / "op")
            t = time.perf_counter()
            res = run_intake(op, folder, workers=2)
            ours = time.perf_counter() - t
            assert res.images == n
            out[label] = {
                "files": n, "mb": round(nbytes / 1e6, 1),
                "peer_full_decode_s": round(peer, 2), "peer_files_per_s": round(n / peer, 1),
                "intake_s": round(ours, 2), "intake_files_per_s": round(n / ours, 1),
                "throughput_ratio": round(peer / ours, 3), "intake_startup_s": round(startup, 2),
                "throughput_ratio_after_startup": round(peer / max(ours - startup, 1e-9), 3),
            }
            print(label, out[label], flush=True)
    return out


# ---------------------------------------------------------------- recall

def part_recall(args: argparse.Namespace) -> dict[str, Any]:
    from rescue.media.generated import TRANSFORMS, crop, encode, picture
    from rescue.media.pdq import hamming, hash_image

    rng = np.random.default_rng(5)
    transforms = {**TRANSFORMS, "reencode_q40": lambda im: im, "crop5": lambda im: crop(im, 0.05)}
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
                                  "median_distance": int(np.median(dists[name]))} for name, h in hits.items()}
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


PARTS = {"throughput": part_throughput, "recall": part_recall, "query": part_query, "intake": part_intake}


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
    ap.add_argument("--photos", type=int, default=40, help="12 MP photos (and 4x as many 1.2 MP ones)")
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
        cmd = [sys.executable, __file__, "--one", part, "--photos", str(args.photos), "--recall-images",
               str(args.recall_images), "--hashes", str(args.hashes), "--intake-files",
               *map(str, args.intake_files)]
        proc = subprocess.run(cmd, text=True)
        if proc.returncode:
            print(f"{part}: failed (exit {proc.returncode})", file=sys.stderr)
    print(f"results in {RESULTS}/{dt.date.today().isoformat()}-media.json")


if __name__ == "__main__":
    main()
