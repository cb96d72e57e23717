#!/usr/bin/env python3
"""Checks one linked builtin library bitcode against clang's opencl-c.h.

  check_symbols.py --dialect 12|30 --clang CLANG --nm LLVM_NM --bitcode BC
                   -- <clang flags of the dialect>

1. Every function opencl-c.h declares for the dialect (parsed by clang
   with the dialect's own flags; mangled names from the JSON AST) must be
   defined in the bitcode, except the families this device does not offer
   (images, pipes, device-side enqueue, sub-groups) and printf (lowered by
   the compiler).
2. A kernel calling every one of those functions with its exact parameter
   types, compiled as user kernels are (clang's built-in declarations,
   -fdeclare-opencl-builtins, not opencl-c.h), may only leave names the
   library defines: this catches overloads clang resolves differently
   from the header (e.g. 1.2 wait_group_events on a generic list).
3. The bitcode's undefined symbols must be the contract's intrinsics or
   C library math functions (resolved by the JIT in the host process).
Exit status 1 with the missing names listed otherwise.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

# Families outside this device's feature set (not required here).
EXCLUDED = re.compile(
    r'image|sampler|pipe|reserve|enqueue|ndrange|clk_event|queue|'
    r'sub_group|get_kernel_|retain_event|release_event|create_user_event|'
    r'set_user_event|is_valid_event|capture_event|get_default_queue|'
    r'work_group_commit|work_group_reserve')
NOT_LIBRARY = {'printf'}
INTRINSICS = {'__hx_local_id', '__hx_group', '__hx_barrier'}
# C library functions the library calls (glibc libm; resolved in the JIT).
LIBM = re.compile(
    r'^(acos|acosh|asin|asinh|atan|atan2|atanh|cbrt|cos|cosh|erf|erfc|exp|'
    r'exp2|exp10|expm1|fdim|fma|fmod|frexp|hypot|ilogb|ldexp|lgamma_r|log|'
    r'log2|log10|log1p|logb|modf|nextafter|pow|remainder|remquo|round|sin|'
    r'sincos|sinh|sqrt|tan|tanh|tgamma|trunc|floor|ceil|rint|fmax|fmin|'
    r'copysign|fabs|nearbyint)f?$|^lgammaf_r$|^__(muldc3|mulsc3|divdc3|divsc3)$')


def declared(clang, flags):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, 'empty.cl')
        open(src, 'w').close()
        # Bitcode flags do not apply to a syntax-only run.
        flags = [f for f in flags if f not in ('-emit-llvm', '-c')]
        # Image declarations need the image features to parse in 3.0;
        # they are excluded from the check below anyway.
        extra = ['-Xclang', '-cl-ext=+__opencl_c_images,+__opencl_c_read_write_images,'
                 '+__opencl_c_3d_image_writes,+cl_khr_3d_image_writes']
        cmd = [clang] + flags + extra + ['-fsyntax-only', '-include', 'opencl-c.h',
                                         '-Xclang', '-ast-dump=json', src]
        out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE).stdout
    ast = json.loads(out)
    names = {}
    nodes = []
    for node in ast.get('inner', []):
        if node.get('kind') != 'FunctionDecl' or 'mangledName' not in node:
            continue
        if node['name'] in NOT_LIBRARY or node['name'].startswith('__'):
            continue
        sig = node['name'] + ' ' + node['type']['qualType']
        if EXCLUDED.search(sig):
            continue
        names[node['mangledName']] = sig
        nodes.append(node)
    return names, nodes


def call_all_source(nodes):
    """One function calling every declaration with arguments of exactly
    its parameter types."""
    lines = ['#pragma OPENCL EXTENSION cl_khr_fp64 : enable',
             'void hx_call_all(void) {']
    for node in nodes:
        decl, args = [], []
        parms = [p['type']['qualType'] for p in node.get('inner', [])
                 if p.get('kind') == 'ParmVarDecl']
        for i, t in enumerate(parms):
            # Parameters are __private objects; the variables are too.
            t = re.sub(r'\*\s*__private\b', '*', t)
            t = re.sub(r'^__private\s+', '', t)
            init = ' = 0' if '*' in t else ''
            decl.append('%s a%d%s;' % (t, i, init))
            args.append('a%d' % i)
        lines.append('{ %s (void)%s(%s); }' % (' '.join(decl), node['name'], ', '.join(args)))
    lines.append('}')
    return '\n'.join(lines) + '\n'


def called(clang, flags, nodes, nm):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, 'call_all.cl')
        bc = os.path.join(tmp, 'call_all.bc')
        with open(src, 'w') as f:
            f.write(call_all_source(nodes))
        subprocess.run([clang] + flags + ['-w', '-o', bc, src], check=True)
        return symbols(nm, bc)[1]


def symbols(nm, bc):
    out = subprocess.run([nm, bc], check=True, stdout=subprocess.PIPE,
                         universal_newlines=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[-2] == 'U':
            undefined.add(parts[-1])
        elif len(parts) >= 2:
            defined.add(parts[-1])
    return defined, undefined


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dialect', required=True)
    ap.add_argument('--clang', required=True)
    ap.add_argument('--nm', required=True)
    ap.add_argument('--bitcode', required=True)
    ap.add_argument('flags', nargs='*')
    a = ap.parse_args()
    want, nodes = declared(a.clang, a.flags)
    defined, undefined = symbols(a.nm, a.bitcode)
    missing = sorted(set(want) - defined)
    calls = called(a.clang, a.flags, nodes, a.nm)
    unresolved = sorted(calls - defined)
    bad_undef = sorted(u for u in undefined
                       if u not in INTRINSICS and not LIBM.match(u) and u not in defined)
    print('CL%s: %d builtins declared by opencl-c.h (after exclusions), %d defined '
          'symbols in the library, %d missing, %d calls through clang\'s built-in '
          'declarations, %d unresolved, %d unexpected undefined'
          % (a.dialect, len(want), len(defined), len(missing), len(calls),
             len(unresolved), len(bad_undef)))
    for m in missing[:200]:
        print('missing: %s  (%s)' % (m, want[m]))
    for u in unresolved[:200]:
        print('unresolved call: %s' % u)
    for u in bad_undef[:200]:
        print('undefined: %s' % u)
    return 1 if missing or unresolved or bad_undef else 0


if __name__ == '__main__':
    sys.exit(main())
