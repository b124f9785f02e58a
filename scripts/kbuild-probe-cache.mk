# Remember the answers of kbuild's compiler probes, per kernel.
#
# Every kbuild run starts by asking the compiler some 35 questions: does it
# take -Wno-stringop-overflow, -fmacro-prefix-map, ... (cc-option, as-instr
# and the like, in the kernel's scripts/Makefile.compiler). Each is a shell,
# mkdir, the compiler driver, cc1, the assembler and rm: about 1.7 s of CPU
# time on the workbook's 2-core machine, before a single line of the module
# is compiled, and paid again by every build of every chapter, lab and
# graded student. The answers only change with the compiler and the flags.
#
# The workbook's Makefile runs kbuild with MAKEFILES naming this file; GNU
# make reads it before each of kbuild's makefiles, in every sub-make. It
# replaces kbuild's try-run (which all those probes call) by one that looks
# the probe up first, by its exact command and answers, in WB_PROBE_CACHE,
# and on a miss runs kbuild's own command and appends the answer there.
# The compile commands kbuild then uses are the same as without it (the
# .o.cmd files are identical); the Makefile forgets the file when a newer
# compiler is installed, and 'make clean' removes it with build/.
#
# Each entry is one line, 'wbprobe.KEY := $(if ,,ANSWER)', appended with a
# single write. KEY is the probe with '%', ':', '#', '=', '$' and spaces
# spelt %p %c %h %e %d %s (a variable name cannot hold the others; '%',
# the escape itself, is escaped first, so no two probes share a KEY), and
# whitespace runs squeezed: the same probe can reach here with more or
# fewer spaces between flags. A torn last line (a full disk, or a write
# read half-way by a make running beside it) lacks its closing ')': the
# file is then not used but emptied, with a warning, and the probes run.

ifneq ($(WB_PROBE_CACHE),)
wb-empty :=
wb-space := $(wb-empty) $(wb-empty)
wb-rparen := )
wb-cached := $(file <$(WB_PROBE_CACHE))
ifneq ($(filter-out %$(wb-rparen),$(lastword $(wb-cached))),)
$(warning $(WB_PROBE_CACHE) ends in a torn line: emptied, the compiler is asked again)
$(file >$(WB_PROBE_CACHE))
wb-cached :=
endif
$(eval $(wb-cached))

wb-escape = $(subst =,%e,$(subst #,%h,$(subst :,%c,$(subst %,%p,$(1)))))
wb-probe-key = wbprobe.$(subst $(wb-space),%s,$(subst $$,%d,$(call wb-escape,$(strip $(1))|$(strip $(2))|$(strip $(3)))))
# kbuild's own try-run (scripts/Makefile.compiler, the same in 6.1 and 6.12)
wb-try-run = $(shell set -e; TMP=$(TMPOUT)/tmp; trap "rm -rf $(TMPOUT)" EXIT; \
	mkdir -p $(TMPOUT); if ($(1)) >/dev/null 2>&1; then echo "$(2)"; else echo "$(3)"; fi)
# $(call wb-remember,KEY,ANSWER): store, define and return ANSWER
wb-entry = $(1) := $$(if ,,$(subst $$,$$$$,$(2)))
wb-remember = $(file >>$(WB_PROBE_CACHE),$(wb-entry))$(eval $(wb-entry))$(2)
# $(call wb-probe,COMMAND,IF-OK,IF-NOT,KEY)
wb-probe = $(if $(filter undefined,$(origin $(4))),$(call wb-remember,$(4),$(wb-try-run)),$($(4)))
override try-run = $(call wb-probe,$(1),$(2),$(3),$(call wb-probe-key,$(1),$(2),$(3)))
endif
