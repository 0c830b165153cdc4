#!/usr/bin/env python3
"""Writes the typed instances of the runtime_c kernel templates.

Each kernel is written once as a template (runtime_c/src/qc_*_template.h) and instantiated here for
every storage combination (int8_t / int16_t per operand, 32- or 64-bit accumulator), one public
function per file, as CMSIS-NN does by hand. Also writes the prototypes
(runtime_c/include/qc_kernel_instances.h) and the tests' dispatcher
(Tests/CKernelDispatch/), which maps storage widths to the function so Swift tests can call any
instance through one entry point. Run after changing the list below; commit the output.
"""
import itertools
import os
import glob

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "runtime_c", "src")
INCLUDE = os.path.join(ROOT, "runtime_c", "include")
DISPATCH = os.path.join(ROOT, "Tests", "CKernelDispatch")
CTYPE = {"s8": "int8_t", "s16": "int16_t"}
WIDTHS = ["s8", "s16"]

# family: (template, params type, operand roles, signature after params, extra defines)
MAC = "const qc_{kind}_params *p, const {X} *x, const {W} *w, const {ACC} *bias, const int8_t *shift, {Y} *y"
AFFINE_MAC = "const qc_{kind}_params *p, const {X} *x, const {W} *w, const {ACC} *bias, const int32_t *multiplier, const int8_t *shift, {Y} *y"
# int8-affine families (--scheme int8): int8 operands and a 32-bit accumulator only.
AFFINE = {"conv_affine", "depthwise_conv_affine", "dense_affine", "avg_pool_affine"}
FAMILIES = {
    "conv": ("qc_conv_template.h", "conv", ["X", "W", "Y"], MAC, True),
    "depthwise_conv": ("qc_depthwise_conv_template.h", "conv", ["X", "W", "Y"], MAC, True),
    "dense": ("qc_dense_template.h", "dense", ["X", "W", "Y"], MAC, True),
    "conv_shift": ("qc_conv_shift_template.h", "shift_conv", ["X", "Y"],
                   "const qc_{kind}_params *p, const {X} *x, const uint8_t *w, const {ACC} *bias, const int8_t *shift, {Y} *y", True),
    "conv_packed": ("qc_conv_packed_template.h", "conv_packed", ["X", "Y"],
                    "const qc_{kind}_params *p, const {X} *x, const uint8_t *w, const {ACC} *bias, const int8_t *shift, {Y} *y", True),
    "dense_packed": ("qc_dense_packed_template.h", "dense_packed", ["X", "Y"],
                     "const qc_{kind}_params *p, const {X} *x, const uint8_t *w, const {ACC} *bias, const int8_t *shift, {Y} *y", True),
    "dense_shift": ("qc_dense_shift_template.h", "dense", ["X", "Y"],
                    "const qc_{kind}_params *p, const {X} *x, const uint8_t *w, const {ACC} *bias, const int8_t *shift, {Y} *y", True),
    "conv_bitplane": ("qc_conv_bitplane_template.h", "bitplane_conv", ["X", "Y"],
                      "const qc_{kind}_params *p, const {X} *x, const uint32_t *planes, const int16_t *alpha, const {ACC} *bias, "
                      "const int8_t *shift, {Y} *y", True),
    "conv_codebook": ("qc_conv_codebook_template.h", "codebook_conv", ["X", "Y"],
                      "const qc_{kind}_params *p, const {X} *x, const uint8_t *indices, const int16_t *codebook, const {ACC} *bias, "
                      "const int8_t *shift, {Y} *y", True),
    "conv_affine": ("qc_conv_template.h", "conv_affine", ["X", "W", "Y"], AFFINE_MAC, True),
    "depthwise_conv_affine": ("qc_depthwise_conv_template.h", "conv_affine", ["X", "W", "Y"], AFFINE_MAC, True),
    "dense_affine": ("qc_dense_template.h", "dense_affine", ["X", "W", "Y"], AFFINE_MAC, True),
    "avg_pool_affine": ("qc_pool_template.h", "pool", ["T"], "const qc_pool_params *p, const {T} *x, {T} *y", False),
    "max_pool": ("qc_pool_template.h", "pool", ["T"], "const qc_pool_params *p, const {T} *x, {T} *y", False),
    "avg_pool": ("qc_pool_template.h", "pool", ["T"], "const qc_pool_params *p, const {T} *x, {T} *y", False),
    "global_max_pool": ("qc_global_pool_template.h", "global_pool", ["T"],
                        "const qc_global_pool_params *p, const {T} *x, {T} *y", False),
    "global_avg_pool": ("qc_global_pool_template.h", "global_pool", ["T"],
                        "const qc_global_pool_params *p, const {T} *x, {T} *y", False),
    "add": ("qc_add_template.h", "add", ["A", "B", "Y"], "const qc_add_params *p, const {A} *a, const {B} *b, {Y} *y", False),
    "mul": ("qc_mul_template.h", "mul", ["A", "B", "Y"], "const qc_mul_params *p, const {A} *a, const {B} *b, {Y} *y", False),
    "max_min": ("qc_max_min_template.h", "max_min", ["A", "B", "Y"],
                "const qc_max_min_params *p, const {A} *a, const {B} *b, {Y} *y", False),
    "rescale": ("qc_rescale_template.h", "rescale", ["X", "Y"], "const qc_rescale_params *p, const {X} *x, {Y} *y", False),
    "pad": ("qc_pad_template.h", "pad", ["T"], "const qc_pad_params *p, const {T} *x, {T} *y", False),
    "transpose": ("qc_transpose_template.h", "transpose", ["T"], "const qc_transpose_params *p, const {T} *x, {T} *y", False),
    "index_copy": ("qc_index_copy_template.h", "index_copy", ["T"],
                   "const qc_index_copy_params *p, const int32_t *offsets, const {T} *x, {T} *y", False),
    "table": ("qc_table_template.h", "table", ["X", "Y"],
              "const qc_table_params *p, const int16_t *table, const {X} *x, {Y} *y", False),
}


def instances():
    for family, (template, kind, roles, signature, has_acc) in FAMILIES.items():
        for widths in itertools.product(["s8"] if family in AFFINE else WIDTHS, repeat=len(roles)):
            for acc in ([32] if family in AFFINE and has_acc else [32, 64] if has_acc else [None]):
                name = f"qc_{family}_{''.join(widths)}" + ("_acc64" if acc == 64 else "")
                types = {role: CTYPE[w] for role, w in zip(roles, widths)}
                if acc:
                    types["ACC"] = f"int{acc}_t"
                yield family, name, template, kind, roles, widths, acc, signature.format(kind=kind, **types), types


def main():
    for old in glob.glob(os.path.join(SRC, "qc_*.c")):
        with open(old) as f:
            generated = f.readline().startswith("/* Generated by")
        if generated:  # the _dsp variants are written by hand
            os.remove(old)
    prototypes = []
    dispatch = {}
    for family, name, template, kind, roles, widths, acc, signature, types in instances():
        lines = [f"/* Generated by scripts/generate-runtime-instances.py; contract in qc_kernels.h. */",
                 f"#define QC_NAME {name}"]
        for role, ctype in types.items():
            if role != "ACC":
                lines.append(f"#define QC_{role}_T {ctype}" if role != "T" else f"#define QC_T {ctype}")
        if acc:
            lines.append(f"#define QC_ACC_T {types['ACC']}")
            if family.endswith("_shift"):
                lines.append(f"#define QC_WIDE {1 if acc == 64 else 0}")
            elif family not in AFFINE:
                lines.append(f"#define QC_REQUANTIZE qc_requantize_s{acc}")
        if family in AFFINE:
            lines.append("#define QC_AFFINE 1")
        if family in ("max_pool", "avg_pool", "global_max_pool", "global_avg_pool", "avg_pool_affine"):
            lines.append(f"#define QC_MAX {1 if 'max' in family else 0}")
        lines.append(f'#include "{template}"')
        with open(os.path.join(SRC, name + ".c"), "w") as f:
            f.write("\n".join(lines) + "\n")
        prototypes.append(f"void {name}({signature});")
        dispatch.setdefault(family, []).append((name, widths, acc, kind, roles))

    with open(os.path.join(INCLUDE, "qc_kernel_instances.h"), "w") as f:
        f.write("/* Generated by scripts/generate-runtime-instances.py: one prototype per kernel instance.\n"
                " * Contracts: qc_kernels.h. Included by qc_kernels.h only. */\n"
                "#ifndef QC_KERNEL_INSTANCES_H\n#define QC_KERNEL_INSTANCES_H\n\n#include \"qc_kernels.h\"\n\n")
        f.write("\n".join(prototypes) + "\n\n#endif /* QC_KERNEL_INSTANCES_H */\n")

    # The tests' dispatcher: bits of each operand's storage (8 or 16) select the instance.
    header, body = [], []
    for family, entries in dispatch.items():
        kind, roles, acc_family = entries[0][3], entries[0][4], entries[0][2] is not None
        args = ", ".join(f"int {r.lower()}_bits" for r in roles) + (", int acc64" if acc_family else "")
        if family in ("conv_affine", "depthwise_conv_affine", "dense_affine"):
            data = "const void *x, const void *w, const void *bias, const int32_t *multiplier, const int8_t *shift, void *y"
            call = "p, x, w, bias, multiplier, shift, y"
        elif family in ("conv", "depthwise_conv", "dense", "conv_shift", "dense_shift", "dense_packed", "conv_packed"):
            data = "const void *x, const void *w, const void *bias, const int8_t *shift, void *y"
            call = "p, x, w, bias, shift, y"
        elif family == "conv_bitplane":
            data = "const void *x, const uint32_t *planes, const int16_t *alpha, const void *bias, const int8_t *shift, void *y"
            call = "p, x, planes, alpha, bias, shift, y"
        elif family == "conv_codebook":
            data = "const void *x, const uint8_t *indices, const int16_t *codebook, const void *bias, const int8_t *shift, void *y"
            call = "p, x, indices, codebook, bias, shift, y"
        elif family in ("add", "mul", "max_min"):
            data = "const void *a, const void *b, void *y"
            call = "p, a, b, y"
        elif family == "index_copy":
            data = "const int32_t *offsets, const void *x, void *y"
            call = "p, offsets, x, y"
        elif family == "table":
            data = "const int16_t *table, const void *x, void *y"
            call = "p, table, x, y"
        else:
            data = "const void *x, void *y"
            call = "p, x, y"
        proto = f"int qc_dispatch_{family}({args}, const qc_{kind}_params *p, {data})"
        header.append(proto + ";")
        body.append(proto + "\n{")
        for name, widths, acc, _, _ in entries:
            conds = [f"{r.lower()}_bits == {w[1:]}" for r, w in zip(roles, widths)]
            if acc_family:
                conds.append(f"acc64 == {1 if acc == 64 else 0}")
            body.append(f"    if ({' && '.join(conds)}) {{\n        {name}({call});\n        return 0;\n    }}")
        body.append("    return -1;\n}\n")
    with open(os.path.join(DISPATCH, "include", "qc_dispatch.h"), "w") as f:
        f.write("/* Generated by scripts/generate-runtime-instances.py: test-only entry points that pick a kernel\n"
                " * instance by operand storage bits (8 or 16); return -1 when no instance matches. */\n"
                "#ifndef QC_DISPATCH_H\n#define QC_DISPATCH_H\n\n#include \"qc_kernels.h\"\n\n")
        f.write("\n".join(header) + "\n\n#endif /* QC_DISPATCH_H */\n")
    # Casts from void * happen implicitly in C; keep the generated file warning-free.
    with open(os.path.join(DISPATCH, "dispatch.c"), "w") as f:
        f.write("/* Generated by scripts/generate-runtime-instances.py. */\n#include \"qc_dispatch.h\"\n\n")
        f.write("\n".join(body))


if __name__ == "__main__":
    main()
