#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes rtl/ as one package-free SystemVerilog file for yosys 0.23's front end.

yosys 0.23 parses neither `import pkg::*` nor `$bits(<type>)`. This keeps the RTL as it is
and rewrites a copy: the package's parameters and types go to compilation-unit scope ahead of
the modules, its functions into each module that imports it, the imports and `pkg::` prefixes
go, and every `$bits(<typedef>)` becomes the sum of
its fields' widths, written in the same parameters the module uses; a cast `T'(x)` becomes
a size cast.

    sv_flatten_pkg.py [--blackbox NAME]... OUT.sv PKG.sv MODULE.sv...

--blackbox NAME keeps only module NAME's header (parameters and ports) as a yosys blackbox:
for a module the 0.23 front end cannot read, so that the rest still synthesizes; its cells
are then missing from the figures.
"""
import os
import re
import sys

TYPEDEF_RE = re.compile(r'typedef\s+(struct\s+packed\s*\{(?P<body>.*?)\}|'
                        r'(?P<base>logic|bit)\s*(?P<dims>(?:\[[^\]]*\]\s*)*))\s*(?P<name>\w+)\s*;',
                        re.S)
FIELD_RE = re.compile(r'^\s*(?P<type>\w+)\s*(?P<dims>(?:\[[^\]]*\]\s*)*)(?P<names>[\w\s,]+);')


# int'(x) and friends: the values cast here are never negative, so a size cast is the same.
BUILTIN_CASTS = {'byte': '8', 'shortint': '16', 'int': '32', 'longint': '64'}


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    return re.sub(r'//[^\n]*', '', text)


def dims_width(dims):
    """'[A:B][C:D]' -> '((A)-(B)+1)*((C)-(D)+1)'; '' -> '1'."""
    parts = []
    for d in re.findall(r'\[([^\]]*)\]', dims):
        hi, lo = d.rsplit(':', 1)
        parts.append(f'(({hi.strip()})-({lo.strip()})+1)')
    return '*'.join(parts) if parts else '1'


FIELDS = {}  # struct typedef -> [(field, width expression)], first field first


def typedef_widths(text, known):
    """Width expressions of the typedefs in text; `known` holds those already seen."""
    widths = dict(known)
    for m in TYPEDEF_RE.finditer(strip_comments(text)):
        if m.group('body') is None:
            widths[m.group('name')] = dims_width(m.group('dims') or '')
            continue
        terms = []
        fields = []
        for line in m.group('body').split(';'):
            f = FIELD_RE.match(line + ';')
            if not f:
                continue
            t = f.group('type')
            if t in ('logic', 'bit', 'reg', 'wire'):
                base = '1'
            elif t in widths:
                base = widths[t]
            else:
                sys.exit(f'sv_flatten_pkg: unknown field type {t} in {m.group("name")}')
            names = [x.strip() for x in f.group('names').split(',') if x.strip()]
            w = f'({base})*({dims_width(f.group("dims") or "")})'
            terms.append(f'{len(names)}*{w}')
            fields += [(n, w) for n in names]
        widths[m.group('name')] = '(' + ' + '.join(terms) + ')'
        FIELDS[m.group('name')] = fields
    return widths


def flatten_function_structs(text, widths):
    """yosys 0.23 takes no struct-typed variable inside a function: such a variable becomes a
    plain vector and its `v.field` references become part-selects."""
    def one(fm):
        func = fm.group(0)
        for d in re.finditer(r'^\s*(\w+)\s+(\w+)\s*;', func, re.M):
            t, var = d.group(1), d.group(2)
            if t not in FIELDS:
                continue
            func = re.sub(r'^(\s*)' + t + r'(\s+' + var + r'\s*;)',
                          lambda h: f'{h.group(1)}logic [({widths[t]})-1:0]{h.group(2)}', func,
                          flags=re.M)
            fields = FIELDS[t]
            for i, (name, w) in enumerate(fields):
                below = ' + '.join(fw for _, fw in fields[i + 1:]) or '0'
                func = re.sub(r'\b' + var + r'\.' + name + r'\b', f'{var}[({below}) +: ({w})]',
                              func)
        return func
    return re.sub(r'^[ \t]*function\b.*?^[ \t]*endfunction\b', one, text, flags=re.S | re.M)


def replace_bits(text, widths):
    """$bits(T) -> its width; a cast T'(x) -> a size cast (W)'(x); a function returning T
    -> one returning logic [W-1:0]."""
    def bits(m):
        name = m.group(1)
        return f'({widths[name]})' if name in widths else m.group(0)

    def cast(m):
        name = m.group(1)
        w = widths.get(name, BUILTIN_CASTS.get(name))
        return f"({w})'(" if w else m.group(0)
    def ret(m):
        w = widths.get(m.group(2))
        return f'{m.group(1)}logic [({w})-1:0] {m.group(3)}' if w else m.group(0)
    text = re.sub(r'\$bits\(\s*(\w+)\s*\)', bits, text)
    text = re.sub(r"\b(\w+)'\(", cast, text)
    # A function returning a typedef returns its packed bits: yosys sizes no typedef there.
    text = re.sub(r'(\bfunction\s+automatic\s+)(\w+)\s+(\w+\s*\()', ret, text)
    return flatten_function_structs(text, widths)


def blackbox(text):
    head = re.search(r'^module\b.*?^\);[^\n]*\n', text, re.S | re.M)
    return '(* blackbox *)\n' + head.group(0) + 'endmodule\n'


def main():
    args = sys.argv[1:]
    boxes = set()
    while len(args) >= 2 and args[0] == '--blackbox':
        boxes.add(args[1])
        args = args[2:]
    if len(args) < 3:
        sys.exit(__doc__)
    out, pkg_path, modules = args[0], args[1], args[2:]
    pkg = open(pkg_path).read()
    m = re.search(r'\bpackage\s+(\w+)\s*;(.*)\bendpackage', pkg, re.S)
    if not m:
        sys.exit(f'sv_flatten_pkg: no package in {pkg_path}')
    name, body = m.group(1), m.group(2)
    pkg_widths = typedef_widths(body, {})
    # Parameters and types go to compilation-unit scope (ports use them); yosys resolves no
    # functions there, so the package's functions go into every module that imports it.
    func_re = re.compile(r'^[ \t]*function\b.*?^[ \t]*endfunction\b[^\n]*\n', re.S | re.M)
    funcs = ''.join(func_re.findall(body))
    parts = [f'// Generated from {pkg_path} and the modules by scripts/sv_flatten_pkg.py\n',
             replace_bits(func_re.sub('', body), pkg_widths)]
    for path in modules:
        text = open(path).read()
        # `include "x.svh" inlined from the module's folder: the copy lives elsewhere.
        text = re.sub(r'^[ \t]*`include\s+"([^"]+)"[^\n]*\n',
                      lambda m: open(os.path.join(os.path.dirname(path), m.group(1))).read(),
                      text, flags=re.M)
        mod = re.search(r'^module\s+(\w+)', text, re.M)
        if mod and mod.group(1) in boxes:
            text = blackbox(text)
        import_re = re.compile(r'\bimport\s+' + name + r'::\*\s*;')
        if import_re.search(text):
            text = import_re.sub('', text)
            # After the port list: the first line that closes it.
            text = re.sub(r'^\);[^\n]*\n', lambda h: h.group(0) + funcs, text, count=1,
                          flags=re.M)
        text = text.replace(name + '::', '')
        parts.append(replace_bits(text, typedef_widths(text, pkg_widths)))
    with open(out, 'w') as f:
        f.write('\n'.join(parts))


if __name__ == '__main__':
    main()
