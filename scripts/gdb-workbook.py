# SPDX-License-Identifier: GPL-2.0
#
# gdb helpers the workbook adds to the kernel's own (scripts/gdb, loaded
# from the debug kernel's vmlinux-gdb.py). scripts/gdb.sh sources it after
# them.
#
# lx-symbols of Linux 6.1 hands add-symbol-file only seven sections of a
# module (.text, .data, .rodata, .bss and a few more). An __init function
# lives in .init.text, so gdb would place it at a wrong address and a
# breakpoint on it would never hit. Here lx-symbols passes every section the
# kernel lists for the module (mod->sect_attrs, what
# /sys/module/NAME/sections/ shows), .init.text and .exit.text included.
import gdb

from linux import symbols


def _all_sections(self, module):
    try:
        sect_attrs = module['sect_attrs'].dereference()
    except gdb.error:
        return ""
    attrs = sect_attrs['attrs']
    args = []
    for n in range(int(sect_attrs['nsections'])):
        name = attrs[n]['battr']['attr']['name'].string()
        address = int(attrs[n]['address'])
        # .text is add-symbol-file's first argument, not a -s one.
        if address and name != ".text":
            args.append(" -s {0} {1:#x}".format(name, address))
    return "".join(args)


symbols.LxSymbols._section_arguments = _all_sections
