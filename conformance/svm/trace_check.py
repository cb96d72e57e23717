#!/usr/bin/env python3
"""Checks an HMMCL_TRACE file against what test_trace.c's workload did.

trace_check.py trace.json expect.json [--truncated] [--svg out.svg]

expect.json (written by the workload): ndev, kernel_dev, kernel name,
to_device (bytes per device, from the statistics around each migration),
to_host (bytes), cpu_faults and device_faults (per device, final
counters). Prints every failed check; exit status 1 if any failed.
"""
import json
import sys
import xml.etree.ElementTree as ET

EPS = 0.002  # ts and dur are printed with 3 decimals (ns in us)
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def load(path, truncated):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if not truncated:
        return json.loads(text)  # strict: the closing bracket is there
    check(not text.rstrip().endswith("]"), "a cut trace has no ']'")
    check(text.endswith(",\n"), "a cut trace ends with a whole event")
    return json.loads(text.rstrip().rstrip(",") + "]")


def lanes_of(events):
    names = {}
    for e in events:
        if e.get("ph") == "M" and e.get("name") == "thread_name":
            names[e["tid"]] = e["args"]["name"]
    return names


def well_formed(events):
    check(isinstance(events, list) and events, "a non-empty JSON array")
    for e in events:
        check(isinstance(e, dict) and e.get("ph") in ("X", "M"),
              "event kinds X or M: %r" % (e,))
        check(isinstance(e.get("pid"), int), "pid: %r" % (e,))
        if e.get("ph") != "X":
            continue
        ok = all(isinstance(e.get(k), (int, float)) for k in ("ts", "dur"))
        check(ok and e["dur"] >= 0 and e["ts"] > 0, "ts/dur: %r" % (e,))
        check(isinstance(e.get("tid"), int), "tid: %r" % (e,))
        check(isinstance(e.get("name"), str) and e["name"], "name: %r" % (e,))


def in_order(evs, what):
    """Events of one lane, in file order, never overlap and move forward."""
    for a, b in zip(evs, evs[1:]):
        check(b["ts"] + EPS >= a["ts"] + a["dur"],
              "%s: %s at %.3f starts before %s ends at %.3f" %
              (what, b["name"], b["ts"], a["name"], a["ts"] + a["dur"]))


def check_devices(xs, lane, exp):
    dev_tid = {d: t for t, n in lane.items()
               for d in range(exp["ndev"]) if n == "device %d" % d}
    kd = exp["kernel_dev"]
    check(kd in dev_tid, "a lane named device %d" % kd)
    for d, tid in dev_tid.items():
        cmds = [e for e in xs if e["tid"] == tid and e["cat"] != "migration"]
        for e in cmds:
            check(e["args"]["device"] == d, "device arg of %r" % (e,))
        in_order(cmds, "device %d commands" % d)
        migs = [e for e in xs if e["tid"] == tid and e["cat"] == "migration"]
        for m in migs:
            # A first touch happens inside a kernel; clEnqueueSVMMigrateMem
            # and the evictions it causes inside that command.
            want = ("NDRangeKernel"
                    if m["args"].get("why") == "first touch"
                    else "SVMMigrateMem")
            check(any(c["args"]["command"] == want and
                      c["ts"] <= m["ts"] + EPS and
                      m["ts"] + m["dur"] <= c["ts"] + c["dur"] + EPS
                      for c in cmds), "migration inside its command: %r" % m)
        to_dev = sum(m["args"]["bytes"] for m in migs
                     if m["args"]["to"] != "host")
        check(to_dev == exp["to_device"][d],
              "device %d: %d bytes to device in the trace, %d counted"
              % (d, to_dev, exp["to_device"][d]))
    kernels = [e for e in xs if e["cat"] == "kernel"]
    check(any(k["name"] == exp["kernel"] and k["tid"] == dev_tid.get(kd) and
              k["args"]["command"] == "NDRangeKernel" and
              k["args"]["status"] == 0 for k in kernels),
          "kernel %s on device %d" % (exp["kernel"], kd))
    to_host = sum(e["args"]["bytes"] for e in xs if e["cat"] == "migration"
                  and e["args"]["to"] == "host")
    check(to_host == exp["to_host"], "%d bytes to host in the trace, %d "
          "counted" % (to_host, exp["to_host"]))


def check_faults(xs, lane, exp):
    cpu = [t for t, n in lane.items() if n == "host: CPU faults"]
    for d in range(exp["ndev"]):
        bursts = [e for e in xs if e["cat"] == "fault" and
                  e["name"] == "CPU faults" and e["args"]["device"] == d]
        check(all(e["tid"] in cpu for e in bursts), "CPU fault lane")
        in_order(bursts, "CPU fault bursts of device %d" % d)
        n = sum(e["args"]["faults"] for e in bursts)
        check(n == exp["cpu_faults"][d], "device %d: %d CPU faults in "
              "bursts, %d counted" % (d, n, exp["cpu_faults"][d]))
        tid = [t for t, n in lane.items() if n == "device %d faults" % d]
        bursts = [e for e in xs if e["cat"] == "fault" and
                  e["name"] == "device faults" and e["args"]["device"] == d]
        check(all(e["tid"] in tid for e in bursts), "device fault lane")
        in_order(bursts, "device fault bursts of device %d" % d)
        n = sum(e["args"]["faults"] for e in bursts)
        check(n == exp["device_faults"][d], "device %d: %d device faults "
              "in bursts, %d counted" % (d, n, exp["device_faults"][d]))
    check(sum(exp["cpu_faults"]) > 0, "the workload made a CPU fault")


def check_waits(xs, lane):
    waits = [e for e in xs if e["cat"] == "wait"]
    for w in ("clWaitForEvents", "blocking call", "clFinish"):
        check(any(e["name"] == w for e in waits), "a %s wait" % w)
    for e in waits:
        check(lane.get(e["tid"], "").endswith(": waits"), "wait lane")
    for tid in set(e["tid"] for e in waits):
        in_order([e for e in waits if e["tid"] == tid], "waits")


def check_threads(xs, lane, exp):
    """Host threads each made blocking copies on a queue of their own:
    every command and wait is there, whole, on its thread's lane."""
    n = exp["threads"] * exp["copies"]
    copies = [e for e in xs if e["name"] == "SVMMemcpy"]
    check(len(copies) == n, "%d copies in the trace, %d made"
          % (len(copies), n))
    check(all(e["args"]["status"] == 0 for e in copies), "copy status")
    waits = [e for e in xs if e["name"] == "blocking call"]
    check(len(waits) == n, "%d blocking waits, %d made" % (len(waits), n))
    tids = set(e["tid"] for e in waits)
    check(len(tids) == exp["threads"], "%d host lanes, %d threads"
          % (len(tids), exp["threads"]))
    for tid in tids:
        check(lane.get(tid, "").endswith(": waits"), "wait lane")
        in_order([e for e in waits if e["tid"] == tid], "waits")


def check_svg(path, xs, lane):
    root = ET.parse(path).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    texts = ["".join(t.itertext()) for t in root.iter(ns + "text")]
    for tid in set(e["tid"] for e in xs):
        check(lane[tid] in texts, "SVG lane title %s" % lane[tid])
    boxes = [r for r in root.iter(ns + "rect") if r.find(ns + "title")
             is not None]
    check(len(boxes) == len(xs), "one SVG box per event: %d boxes, %d events"
          % (len(boxes), len(xs)))
    check(any("bytes: " in "".join(r.find(ns + "title").itertext())
              for r in boxes), "migration bytes in the SVG tooltips")


def main():
    args = sys.argv[1:]
    truncated = "--truncated" in args
    svg = args[args.index("--svg") + 1] if "--svg" in args else None
    events = load(args[0], truncated)
    with open(args[1], encoding="utf-8") as f:
        exp = json.load(f)
    well_formed(events)
    xs = [e for e in events if e.get("ph") == "X"]
    lane = lanes_of(events)
    for e in xs:
        check(e["tid"] in lane, "lane %s has a name" % e["tid"])
    if not failures:
        if "threads" in exp:
            check_threads(xs, lane, exp)
        else:
            check_devices(xs, lane, exp)
            check_faults(xs, lane, exp)
            check_waits(xs, lane)
        end = [e for e in events if e.get("name") == "trace_end"]
        check(truncated or len(end) == 1, "one trace_end")
        check(truncated or all(e["ts"] + e["dur"] <= end[0]["args"]["ts"] +
                               EPS for e in xs), "trace_end is last")
    if svg and not failures:
        check_svg(svg, xs, lane)
    for f in failures:
        print("trace_check: " + f)
    print("trace_check: %d events, %d failures" % (len(events), len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
