#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scripts/logic_depth.py on hand-written netlists whose depth is counted by hand (no yosys).

chain.json: FF -> LUT1 -> LUT6 -> MUXF7 -> CARRY4 -> CARRY4 -> CARRY4 -> LUT2 -> FF is 5
levels (the three cascaded CARRY4 count once); FF -> 4 LUTs -> RAM64X1D -> 3 LUTs -> FF
would be 7 or more if the RAM did not end the path. hier.json: `top` holds `sub`, whose
`ti` -> `to` is a plain wire; top's longest path (5) runs through it.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, '..', '..', 'scripts', 'logic_depth.py')


def run(*args):
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True)


def load(name):
    with open(os.path.join(HERE, name)) as f:
        return json.load(f)


class LogicDepth(unittest.TestCase):
    def run_netlist(self, netlist, *args):
        with tempfile.NamedTemporaryFile('w', suffix='.json', delete=False) as f:
            json.dump(netlist, f)
        try:
            return run(*args, f.name)
        finally:
            os.unlink(f.name)

    def test_chain_path(self):
        r = run(os.path.join(HERE, 'chain.json'))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines(), [
            'logic levels: 5',
            '  FDRE    ff_a  -> a_q',
            '  LUT1    u1',
            '  LUT6    u2',
            '  MUXF7   m7',
            '  CARRY4  c0',
            '  CARRY4  c1',
            '  CARRY4  c2',
            '  LUT2    u4  -> d',
            '  FDRE    ff_q  -> q',
        ])

    def test_ram_ends_the_path(self):
        netlist = load('chain.json')
        netlist['modules']['chain']['cells']['ram']['type'] = 'LUT6'
        r = self.run_netlist(netlist)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines()[0], 'logic levels: 8')

    def test_broken_carry_chain_counts_each_part(self):
        # c1 no longer takes c0's carry: c1 -> c2 is still one chain, c0 is apart.
        netlist = load('chain.json')
        c1 = netlist['modules']['chain']['cells']['c1']['connections']
        c1['CI'] = ['0']
        c1['S'] = [14, '1', '1', '1']
        r = self.run_netlist(netlist)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines()[0], 'logic levels: 5')
        c1['DI'] = [15, '0', '0', '0']   # c0's sum into c1, not on CI: two levels
        r = self.run_netlist(netlist)
        self.assertEqual(r.stdout.splitlines()[0], 'logic levels: 6')

    def test_at_least_lists_every_deep_end_point(self):
        # q -> 4 LUTs -> the RAM's two address pins (one end point), RAM -> 3 LUTs -> ff_r
        # (its Q net has no name: the cell's); q -> u5 -> port y is one level.
        r = run('--at-least', '3', os.path.join(HERE, 'chain.json'))
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], 'logic levels: 5')
        self.assertEqual(lines[10:], [
            'end points at 3 levels or more: 3',
            '    5     1  a_q -> q',
            '    4     1  q -> ram',
            '    3     1  ram -> ff_r',
        ])
        r = run('--at-least', '6', os.path.join(HERE, 'chain.json'))
        self.assertEqual(r.stdout.splitlines()[10:], ['end points at 6 levels or more: 0'])

    def test_hierarchy_table(self):
        r = run('--table', os.path.join(HERE, 'hier.json'))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.split(), ['module', 'depth', 'sub', '2', 'top', '5'])
        self.assertNotIn('logic levels', r.stdout)

    def test_unknown_cell_type_fails(self):
        netlist = load('chain.json')
        netlist['modules']['chain']['cells']['u2']['type'] = 'BUFG'
        r = self.run_netlist(netlist)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('BUFG', r.stderr)

    def test_combinational_loop_fails(self):
        netlist = load('chain.json')
        netlist['modules']['chain']['cells']['u1']['connections']['I0'] = [30]
        r = self.run_netlist(netlist)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('loop', r.stderr)


if __name__ == '__main__':
    unittest.main()
