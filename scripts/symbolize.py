"""Trace the addresses in a kernel report back to a chapter's source lines.

The runner (scripts/run-tests.py) imports it. A report names a frame in a
loaded module as "numlist_free+0xca/0xe5 [numlist]"; after the module is
unloaded (a kmemleak report, say) only the raw address is left. Given the
unstripped .ko files of the chapters under test (the VM gets stripped
copies) and where the guest loaded each module's sections (the insmod of
initramfs/wb/testlib.sh tells the runner: "@@module NAME SECTION ADDRESS"),
each such frame gets its function and file.c:line, through binutils'
objdump and addr2line.
"""
import glob
import os
import re
import subprocess

FRAME = re.compile(r"([\w.]+)\+0x([0-9a-f]+)/0x[0-9a-f]+ \[(\w+)\]")
RAW = re.compile(r"\b0x(ffffffff[0-9a-f]{8})\b")


class Symbolizer:
    def __init__(self, ko_dirs):
        self.kos = {}          # module name: path of its unstripped .ko
        for d in ko_dirs:
            for ko in glob.glob(os.path.join(d, "*.ko")):
                self.kos[os.path.basename(ko)[:-3].replace("-", "_")] = ko
        self.loaded = []       # (address, module, section), from the guest
        self.symbols = {}      # module: [(section, value, size, name)]
        self.lines = {}        # (module, section, offset): "file.c:LINE"

    def chapter_of(self, module):
        """The chapter whose build holds the module's .ko, or None."""
        ko = self.kos.get(module)
        return os.path.basename(os.path.dirname(ko)) if ko else None

    def module_loaded(self, module, section, address):
        self.loaded.append((int(address, 16), module, section))

    def _size(self, module, section):
        """The size of a section of the module's .ko."""
        out = subprocess.run(["objdump", "-h", self.kos[module]],
                             capture_output=True, text=True).stdout
        for line in out.splitlines():
            f = line.split()
            if len(f) > 2 and f[1] == section:
                return int(f[2], 16)
        return 0

    def _symbols(self, module):
        if module not in self.symbols:
            out = subprocess.run(["objdump", "-t", self.kos[module]],
                                 capture_output=True, text=True).stdout
            syms = []
            for line in out.splitlines():
                m = re.match(r"([0-9a-f]+) .{7} (\S+)\s+([0-9a-f]+) (\S+)$", line)
                if m and "F" in line[17:24]:
                    syms.append((m.group(2), int(m.group(1), 16), int(m.group(3), 16), m.group(4)))
            self.symbols[module] = syms
        return self.symbols[module]

    def _line(self, module, section, offset):
        """The source line of an address: with inlining, the innermost
        line in the module's own .c files, not in a kernel header."""
        key = (module, section, offset)
        if key not in self.lines:
            out = subprocess.run(["addr2line", "-i", "-e", self.kos[module], "-j", section,
                                  hex(offset)], capture_output=True, text=True).stdout
            chain = [re.sub(r" \(discriminator \d+\)", "", l) for l in out.split("\n")
                     if l.strip() and not l.startswith("?")]
            own = [l for l in chain if re.search(r"\.c:\d+$", l)]
            where = (own or chain or [""])[0]
            self.lines[key] = os.path.basename(where)
        return self.lines[key]

    def frame(self, function, offset, module):
        """(function, "file.c:LINE") of a symbolic frame, or None."""
        if module not in self.kos:
            return None
        for section, value, _, name in self._symbols(module):
            if name == function:
                line = self._line(module, section, value + offset)
                return (function, line) if line else None
        return None

    def raw(self, address):
        """(text like "numlist_add+0x1c/0x60 [numlist]", function, line) of
        an address inside a module that was loaded and is gone, or None."""
        address = int(address, 16)
        best = None
        # The latest load that put a section there: module memory is reused
        # from one insmod to the next.
        for base, module, section in reversed(self.loaded):
            if module in self.kos and base <= address < base + self._size(module, section):
                best = (base, module, section)
                break
        if best is None:
            return None
        base, module, section = best
        offset = address - base
        for sec, value, size, name in self._symbols(module):
            if sec == section and value <= offset < value + max(size, 1):
                line = self._line(module, section, offset)
                return (f"{name}+{offset - value:#x}/{size:#x} [{module}]", name, line)
        return None

    def annotate(self, line):
        """The line with each frame in a chapter module followed by its
        source line, and each raw module address named; also the first such
        (function, "file.c:LINE"), or None."""
        first = None

        def symbolic(m):
            nonlocal first
            found = self.frame(m.group(1), int(m.group(2), 16), m.group(3))
            if not found:
                return m.group(0)
            first = first or found
            return f"{m.group(0)} ({found[1]})"

        def raw(m):
            nonlocal first
            found = self.raw(m.group(1))
            if not found:
                return m.group(0)
            first = first or found[1:]
            return f"{found[0]} ({found[2]})" if found[2] else found[0]

        line = FRAME.sub(symbolic, line)
        line = RAW.sub(raw, line)
        return line, first
