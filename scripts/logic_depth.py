#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Longest register-to-register path, in logic levels, of a yosys Xilinx netlist.

    logic_depth.py NETLIST.json [--top MODULE] [--at-least N]
                                                  the top's longest path, cell by cell
    logic_depth.py --table NETLIST.json           one line per module: `module depth`

NETLIST.json is yosys `write_json` output after `synth_xilinx`. yosys has no Xilinx timing
model and its `ltp` walks through FDRE cells, so this counts levels itself:
  - LUT1..LUT6, INV (a LUT1 once placed), MUXF7, MUXF8, MUXF9: one level each;
  - CARRY4/CARRY8: a chain of CARRY cells cascaded CO -> CI is one level in total (the
    carry chain is a dedicated fast path, far quicker per cell than a LUT);
  - paths start and end at flip-flops (FD*), memories and shift registers (RAM*, RAMB*,
    URAM*, SRL*), DSP cells and the ports of the module taken as top.
Any other cell type stops the walk with an error, so a new cell kind is never counted as
zero levels by accident. A module that instantiates others is flattened here first, so a
hierarchical netlist gives each module's depth with the module on its own as top.

The first form prints `logic levels: N`, then the cells of one longest path from start to
end point, one per line: type, name (runs of `.genblk1` from yosys' LUT-tree mapping
shortened to `.genblk1{xN}`) and the named net the cell drives, if it has one. With
`--at-least N` it then lists every end point whose longest path has N levels or more, one
line per pair of start and end register (bit indices dropped): levels, end points (cells
or port bits), start -> end, deepest first: every path of that depth, not only the one
printed above.
"""
import json
import re
import sys

LEVEL_RE = re.compile(r'LUT[1-6]|INV|MUXF[789]')
CARRY_RE = re.compile(r'CARRY[48]')
BOUNDARY_RE = re.compile(r'FD\w*|RAM\w*|URAM\w*|SRL\w*|DSP\w*')


def attr_set(module, name):
    # yosys writes attribute values as binary strings: "000...01" is set.
    return str(module.get('attributes', {}).get(name, '')).strip('0') != ''


def is_net(b):
    return not isinstance(b, str)   # strings are constants "0", "1", "x", "z"


class Flat:
    """A module with every instance of another module of the netlist inlined. Nets are
    (instance path, bit) pairs; a net joined to its parent's through a port is one net
    (union-find), so a port that only passes a signal through keeps the path whole."""

    def __init__(self, modules, top):
        self.modules = modules
        self.parent = {}
        self.cells = {}      # flat name -> (type, {port: direction}, {port: [net]})
        self.names = {}      # net -> (rank, name); after flattening net -> name a designer wrote
        self.ports = []      # (direction, label, net) of the top's ports
        mod = modules[top]
        for pname, port in mod.get('ports', {}).items():
            bits = port['bits']
            for i, b in enumerate(bits):
                label = pname if len(bits) == 1 else f'{pname}[{i}]'
                self.ports.append((port['direction'], label, self.net((), b)))
        self.inline(mod, ())
        self.cells = {n: (t, d, {p: [self.find(b) for b in bits] for p, bits in c.items()})
                      for n, (t, d, c) in self.cells.items()}
        self.ports = [(d, label, self.find(b)) for d, label, b in self.ports]
        names = {}
        for b, ranked in self.names.items():
            b = self.find(b)
            names[b] = min(names.get(b, ranked), ranked)
        self.names = {b: name for b, (rank, name) in names.items() if not rank[0]}

    def net(self, path, b):
        return (path, b) if is_net(b) else b

    def find(self, b):
        while self.parent.get(b, b) != b:
            self.parent[b] = self.parent.get(self.parent[b], self.parent[b])  # path halving
            b = self.parent[b]
        return b

    def union(self, a, b):
        a, b = self.find(a), self.find(b)
        if a != b:
            # A constant stays the representative: the net is then tied, not driven.
            if is_net(a):
                self.parent[a] = b
            else:
                self.parent[b] = a

    def inline(self, mod, path):
        prefix = ''.join(p + '.' for p in path)
        # Names a designer wrote first, then outer ones, then shorter: they label the path.
        for name, net in mod.get('netnames', {}).items():
            bits = net['bits']
            for i, b in enumerate(bits):
                n = self.net(path, b)
                if is_net(n):
                    full = prefix + (name if len(bits) == 1 else f'{name}[{i}]')
                    ranked = ((net.get('hide_name', 0), len(path), len(full)), full)
                    self.names[n] = min(self.names.get(n, ranked), ranked)
        for cname, cell in mod.get('cells', {}).items():
            t = cell['type']
            sub = self.modules.get(t)
            conns = {p: [self.net(path, b) for b in bits]
                     for p, bits in cell['connections'].items()}
            if sub is not None and not attr_set(sub, 'blackbox'):
                inner = path + (cname,)
                for pname, port in sub.get('ports', {}).items():
                    for b, outer in zip(port['bits'], conns.get(pname, [])):
                        self.union(self.net(inner, b), outer)
                self.inline(sub, inner)
                continue
            dirs = cell.get('port_directions')
            if dirs is None:
                sys.exit(f'logic_depth: cell {prefix}{cname} ({t}) has no port directions')
            self.cells[prefix + cname] = (t, dirs, conns)


def longest_path(flat):
    """Returns (levels, path): path lists ('cell', name) or ('port', label), start first."""
    ends = end_points(flat)
    if not ends:
        return 0, []
    return max(ends, key=lambda e: e[0])   # the first of the deepest, as before


def end_points(flat):
    """Every end point's longest path: a list of (levels, path) as longest_path returns."""
    cells = flat.cells
    driver = {}   # net -> ('cell', name) or ('port', label)
    for direction, label, b in flat.ports:
        if direction in ('input', 'inout') and is_net(b):
            driver[b] = ('port', label)
    kind = {}
    unknown = set()
    for cname, (t, dirs, conns) in cells.items():
        if LEVEL_RE.fullmatch(t):
            kind[cname] = 'level'
        elif CARRY_RE.fullmatch(t):
            kind[cname] = 'carry'
        elif BOUNDARY_RE.fullmatch(t):
            kind[cname] = 'boundary'
        else:
            unknown.add(t)
        for p, bits in conns.items():
            if dirs[p] in ('output', 'inout'):
                for b in bits:
                    if is_net(b):
                        driver[b] = ('cell', cname)
    if unknown:
        sys.exit('logic_depth: cell types neither logic nor boundary: ' +
                 ', '.join(sorted(unknown)))

    def inputs(cname):
        """(port, net) of each input bit."""
        _, dirs, conns = cells[cname]
        for p, bits in conns.items():
            if dirs[p] == 'input':
                yield from ((p, b) for b in bits if is_net(b))

    # depth[c]: levels from a start point up to and including combinational cell c;
    # via[c]: the driver of c's input on that longest path.
    depth, via = {}, {}

    def arrival(b):
        """Levels at net b, and its driver (None: undriven or tied)."""
        d = driver.get(b)
        if d is None or d[0] == 'port' or kind[d[1]] == 'boundary':
            return 0, d
        return depth[d[1]], d

    def visit(root):
        # Iterative DFS: logic cones nest far deeper than Python's recursion limit.
        stack = [(root, False)]
        open_cells = set()
        while stack:
            cname, done = stack.pop()
            if done:
                open_cells.discard(cname)
                best, best_via = 1, None
                for p, b in inputs(cname):
                    a, d = arrival(b)
                    # A CARRY fed on CI by a CARRY continues its chain: no level added.
                    chained = (kind[cname] == 'carry' and p == 'CI' and d is not None
                               and d[0] == 'cell' and kind[d[1]] == 'carry')
                    a += 0 if chained else 1
                    if a > best or (best_via is None and d is not None):
                        best, best_via = max(a, best), d
                depth[cname], via[cname] = best, best_via
                continue
            if cname in depth:
                continue
            if cname in open_cells:
                sys.exit(f'logic_depth: combinational loop through {cname}')
            open_cells.add(cname)
            stack.append((cname, True))
            for _, b in inputs(cname):
                d = driver.get(b)
                if d and d[0] == 'cell' and kind[d[1]] != 'boundary' and d[1] not in depth:
                    stack.append((d[1], False))

    for cname in cells:
        if kind[cname] != 'boundary':
            visit(cname)

    ends = [(('cell', c), b) for c in cells if kind[c] == 'boundary'
            for _, b in inputs(c)]
    ends += [(('port', label), b) for direction, label, b in flat.ports
             if direction in ('output', 'inout') and is_net(b)]
    result = []
    for end, b in ends:
        path = [end]
        d = driver.get(b)
        while d is not None and d[0] == 'cell' and kind[d[1]] != 'boundary':
            path.append(d)
            d = via[d[1]]
        if d is not None:
            path.append(d)
        path.reverse()
        result.append((arrival(b)[0], path))
    return result


def short(name):
    return re.sub(r'(?:\.genblk1){2,}',
                  lambda m: '.genblk1{x%d}' % m.group(0).count('.genblk1'), name)


def print_path(flat, levels, path):
    print(f'logic levels: {levels}')
    for what, name in path:
        if what == 'port':
            print(f'  {"port":<7} {name}')
            continue
        t, dirs, conns = flat.cells[name]
        outs = [b for p, bits in conns.items() if dirs[p] == 'output' for b in bits if is_net(b)]
        net = flat.names.get(outs[0]) if outs else None
        hint = f'  -> {net}' if net else ''
        print(f'  {t:<7} {short(name)}{hint}')


def point_name(flat, point):
    """A path's start or end as a designer named it: the net a cell drives, else the cell."""
    what, name = point
    if what == 'port':
        return name
    t, dirs, conns = flat.cells[name]
    outs = [b for p, bits in conns.items() if dirs[p] == 'output' for b in bits if is_net(b)]
    net = flat.names.get(outs[0]) if outs else None
    return short(net or name)


def print_at_least(flat, n):
    deepest = {}   # end point -> its deepest (levels, path) over its input pins
    for levels, path in end_points(flat):
        if levels >= n and (path[-1] not in deepest or levels > deepest[path[-1]][0]):
            deepest[path[-1]] = (levels, path)
    groups = {}    # (start, end) with bit indices dropped -> [levels, end points]
    for levels, path in deepest.values():
        key = tuple(re.sub(r'\[\d+\]$', '', point_name(flat, p)) for p in (path[0], path[-1]))
        g = groups.setdefault(key, [0, 0])
        g[0], g[1] = max(g[0], levels), g[1] + 1
    print(f'end points at {n} levels or more: {sum(g[1] for g in groups.values())}')
    for (start, end), (levels, bits) in sorted(groups.items(), key=lambda i: (-i[1][0], i[0])):
        print(f'  {levels:>3} {bits:>5}  {start} -> {end}')


def module_label(name):
    # $paramod$<hash>\sync_fifo or $paramod\sync_fifo\Width=...: the module's own name.
    m = re.search(r'\\(\w+)', name)
    return m.group(1) if name.startswith('$paramod') and m else name.lstrip('\\')


def main():
    args = sys.argv[1:]
    top, table, files, at_least = None, False, [], None
    while args:
        a = args.pop(0)
        if a == '--top' and args:
            top = args.pop(0)
        elif a == '--at-least' and args and args[0].isdigit():
            at_least = int(args.pop(0))
        elif a == '--table':
            table = True
        elif a.startswith('-'):
            sys.exit(__doc__)
        else:
            files.append(a)
    if len(files) != 1:
        sys.exit(__doc__)
    with open(files[0]) as f:
        modules = json.load(f)['modules']
    if table:
        print(f'{"module":<16} {"depth":>5}')
        for name in sorted((n for n, m in modules.items() if not attr_set(m, 'blackbox')),
                           key=module_label):
            levels, _ = longest_path(Flat(modules, name))
            print(f'{module_label(name):<16} {levels:>5}')
        return
    if top is None:
        tops = [n for n, m in modules.items() if attr_set(m, 'top')]
        if len(tops) != 1:
            sys.exit(f'logic_depth: {len(tops)} top modules in the netlist; name one with --top')
        top = tops[0]
    elif top not in modules:
        sys.exit(f'logic_depth: no module {top} in the netlist')
    flat = Flat(modules, top)
    print_path(flat, *longest_path(flat))
    if at_least is not None:
        print_at_least(flat, at_least)


if __name__ == '__main__':
    main()
