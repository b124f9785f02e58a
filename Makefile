# The Linux kernel module workbook: build the chapters, boot them in QEMU,
# test them. 'make help' says what each target does.

CH     ?=
ACCEL  ?= auto
LABDIR ?= modules
BUILD := build
Q     := $(if $(V),,@)

ALL_CHAPTERS := $(patsubst chapters/%/,%,$(sort $(wildcard chapters/[0-9][0-9]-*/)))
# CH names chapters by number (05) or by name (05-sleep); each must be one.
chapter_of = $(or $(filter $1 $1-%,$(ALL_CHAPTERS)),$(error CH=$(CH): there is no chapter $1; the chapters are $(ALL_CHAPTERS)))
CHAPTERS := $(if $(strip $(CH)),$(foreach n,$(CH),$(call chapter_of,$(n))),$(ALL_CHAPTERS))
ifeq ($(filter auto kvm tcg,$(ACCEL)),)
$(error ACCEL=$(ACCEL): say auto, kvm or tcg)
endif
# Chapters the student has started a lab for (make lab), among those chosen.
LABS := $(filter $(patsubst $(LABDIR)/%/,%,$(wildcard $(LABDIR)/[0-9][0-9]-*/)),$(CHAPTERS))
# EXT=NAME checks an extension exercise: chapters/NN-slug/ext-NAME.sh runs
# instead of test.sh. A teacher's own extension tests, which students never
# see, can live outside the repository: EXTDIR=DIR holding NN-slug/ext-NAME.sh.
export WB_TEST := $(if $(EXT),ext-$(EXT),test)
export WB_EXTDIR := $(if $(EXTDIR),$(abspath $(EXTDIR)))

.PHONY: all help deps test run-qemu bench sparse lint lab check check-all clean-kernels \
	test-solutions lab-selftest shell-selftest debug-selftest docs pdf docs-check clean \
	grade grade-selftest \
	gdb gdb-selftest rebuild reload-selftest compile_commands.json
.DEFAULT_GOAL := all

help:
	@echo 'make run-qemu CH=01   boot the VM to a root shell in chapter 01'
	@echo 'make test [CH=01]     run the behavioural tests of every (or one) chapter in the VM'
	@echo 'make [CH=01]          build the modules, tools and initramfs only'
	@echo 'make rebuild CH=10    build what make run-qemu CH=10 runs (your lab, if any): reload MODULE in the VM'
	@echo 'make deps             install everything from Debian packages (apt-get)'
	@echo 'make lab CH=05        start the lab: modules/05-sleep, with the TODO steps cut out'
	@echo '                      (TODO=3 keeps steps 1-2 solved; SOLVED=1 copies the whole reference,'
	@echo '                      for an exercise; FORCE=1 replaces your work, with a backup)'
	@echo 'make check CH=05      test your modules/05-sleep with the chapter tests, in the VM'
	@echo 'make check-all        check every lab in modules/ and print a score table'
	@echo 'make check CH=11 EXT=seekable   check an extension exercise (chapters/11-*/ext-seekable.sh;'
	@echo '                      EXTDIR=DIR takes DIR/11-reverse/ext-seekable.sh instead)'
	@echo 'make stress [CH=01]   hammer every (or one) chapter: load/unload 100 times, 8 users at once,'
	@echo '                      trinity (SEED=N replays a run, SECONDS=N per chapter, default 20)'
	@echo 'make check CH=05 STRESS=1   the same stress on your lab'
	@echo 'make test-solutions   check every extension solution (solutions/) with its extension test'
	@echo 'make grade CLASS=DIR  grade a class: each student clone in DIR against these tests (CH=, KERNEL=;'
	@echo '                      writes $(BUILD)/grade/gradebook.csv and .html; JOBS=N, LIMIT=seconds)'
	@echo 'make grade-selftest   students who tamper with their tests score what their modules earn'
	@echo 'make lab-selftest     every skeleton must fail its tests, and pass once filled back (slow)'
	@echo 'make shell-selftest   drive make run-qemu in a terminal (tmux): type, read the screen, quit'
	@echo 'make debug-selftest   break chapters on purpose (leak, use after free, ...): KERNEL=debug must say so'
	@echo 'make run-qemu CH=10 GDB=1   the same, waiting for gdb; then, in another terminal:'
	@echo 'make gdb CH=10        attach gdb (symbols and lx-symbols on KERNEL=debug)'
	@echo 'make gdb-selftest     a scripted gdb session on KERNEL=debug: breakpoints, bt, locals'
	@echo 'make reload-selftest  edit, rebuild, reload in a running VM; decode an Oops (KERNEL= too)'
	@echo 'make compile_commands.json   for clangd / VS Code: chapters and labs, kbuild'"'"'s own generator'
	@echo 'make bench            the speed figures: boot, memory, make test, clean build, edit+test (medians)'
	@echo '                      (BASELINE=REV also times make test in that revision, taking turns: the ratio)'
	@echo 'make sparse           check every chapter module (and lab) with sparse'
	@echo 'make lint             sparse, plus checkpatch --strict on every chapter and lab skeleton'
	@echo 'make docs             render the book to $(BUILD)/docs/html'
	@echo 'make pdf              render the book to one PDF in $(BUILD)/docs'
	@echo 'make docs-check       open the rendered book in headless Chromium and check it'
	@echo 'make clean            remove $(BUILD)/ (the kernels in the shared cache stay)'
	@echo 'make clean-kernels    remove the shared cache of fetched and built kernels too'
	@echo 'Variables: CH=NN (or CH="01 05"), KERNEL=6.1|6.12|6.12-rt (Debian 12 kernels, fetched'
	@echo '           into the cache, never installed) or KERNEL=debug (6.1 with KASAN, kmemleak,'
	@echo '           lockdep..., built once into the cache), ACCEL=auto|kvm|tcg, V=1; advanced: KVER=<release>'
	@echo '           (a kernel installed on this host), KDIR=<kbuild dir> (build against other headers)'

deps:
	@scripts/deps.sh

# The folders are not targets; without this rule 'make modules' would say
# "Nothing to be done", as if something had been built.
FOLDERS := modules initramfs chapters scripts solutions docs/diagrams
.PHONY: $(FOLDERS)
$(FOLDERS):
	$(error '$@' is a folder, not a target; 'make help' lists the targets)

clean:
	rm -rf $(BUILD)

# The kernels live in a cache every clone on the machine shares.
clean-kernels: clean
	rm -rf "$$(scripts/cache-dir.sh)"

# The book: docs/build.sh renders it (html, pdf) and checks the rendered
# pages in a headless browser (check).
docs pdf docs-check:
	@scripts/deps.sh --ensure-docs
	@docs/build.sh $(patsubst docs,html,$(patsubst docs-check,check,$@))

lab:
	$(if $(filter 1,$(words $(CHAPTERS))),,$(error make lab takes one chapter: say CH=NN))
	@LABDIR=$(LABDIR) scripts/lab.sh new $(CHAPTERS) $(if $(SOLVED),solved,$(TODO))

lab-selftest:
	@scripts/lab-selftest.sh $(CHAPTERS)

shell-selftest:
	@scripts/deps.sh --ensure-selftest
	@scripts/shell-selftest.sh

debug-selftest:
	@scripts/debug-selftest.sh

# gdb attaches to the VM 'make run-qemu CH=NN GDB=1' started (the VM says
# which kernel and modules it runs): nothing to build here.
gdb:
	@scripts/deps.sh --ensure-gdb
	@scripts/gdb.sh $(CH) $(GDBFLAGS)

gdb-selftest:
	@scripts/deps.sh --ensure-gdb
	@scripts/gdb-selftest.sh

reload-selftest:
	@scripts/deps.sh --ensure-gdb
	@scripts/reload-selftest.sh

# Each solutions/NN-slug/NAME.patch solves extension NAME of chapter NN: it is
# applied to a copy of the reference, which is then checked like a lab.
test-solutions:
	@failed=""; for patch in $(wildcard solutions/*/*.patch); do \
		chapter=$$(basename $$(dirname $$patch)); ext=$$(basename $$patch .patch); \
		scripts/lab.sh solution $$chapter $$ext $(BUILD)/solutions/$$ext && \
		$(MAKE) --no-print-directory check CH=$${chapter%%-*} EXT=$$ext \
			LABDIR=$(BUILD)/solutions/$$ext || failed="$$failed $$patch"; \
	done; \
	if [ -n "$$failed" ]; then echo "make: these solutions failed:$$failed"; exit 1; fi

# make grade CLASS=DIR checks every student's labs (DIR holds a clone per
# student, or is a file listing them) with this workbook's own tests, a
# student per CPU (scripts/grade.py). The shared things (the kernel, the
# harness, the reference's build) are made first, once.
grade:
	$(if $(CLASS),,$(error make grade needs CLASS=DIR: a folder of student clones, or a file listing their paths))
	@$(MAKE) --no-print-directory all CH="$(CH)"
	@scripts/grade.py $(if $(JOBS),--jobs $(JOBS)) $(if $(LIMIT),--limit $(LIMIT)) \
		$(if $(OUT),--out $(OUT)) $(CLASS) $(CHAPTERS)

grade-selftest:
	@scripts/deps.sh --ensure-selftest
	@scripts/grade-selftest.sh

ifneq ($(filter run-qemu,$(MAKECMDGOALS)),)
ifneq ($(words $(CHAPTERS)),1)
$(error run-qemu boots one chapter: say which, e.g. make run-qemu CH=01)
endif
endif

ifeq ($(WB_READY),)
# The outer make: install what is missing, then do the work in a make that
# starts after the installation, so it sees the kernel that came with it.
all test run-qemu bench sparse lint check check-all stress rebuild compile_commands.json:
	@scripts/deps.sh $(if $(filter lint,$@),--ensure-lint,--ensure)
	@$(MAKE) --no-print-directory WB_READY=1 $@
else

# scripts/kernel.sh decides the kernel (KERNEL=, or KVER= for one installed
# on the host), fetching it into the cache the first time, and says why not
# in one line when it cannot.
# Builds use every CPU unless told otherwise (-jN on the command line).
ifeq ($(filter -j%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(shell nproc)
endif

KVER_GIVEN := $(KVER)
override KERNEL_INFO := $(shell KERNEL=$(KERNEL) KVER=$(KVER) scripts/kernel.sh)
ifneq ($(filter error:,$(firstword $(KERNEL_INFO))),)
$(error $(wordlist 2,999,$(KERNEL_INFO)))
endif
ifeq ($(words $(KERNEL_INFO)),6)
override KVER := $(word 1,$(KERNEL_INFO))
else
$(error scripts/kernel.sh said nothing usable: $(KERNEL_INFO))
endif
KDIR_GIVEN := $(KDIR)
KDIR ?= $(word 3,$(KERNEL_INFO))
KMODDIR := $(word 4,$(KERNEL_INFO))
# Everything built for one kernel stays apart from what is built for another
# (and what is built against other headers, KDIR=, apart from both).
KOUT := $(BUILD)/$(KVER)$(if $(KDIR_GIVEN),-kdir$(subst /,-,$(abspath $(KDIR_GIVEN))))
export KERNEL KVER ACCEL
export WB_IMAGE := $(word 2,$(KERNEL_INFO))
export WB_MEM := $(word 6,$(KERNEL_INFO))

# Which copy of each chapter goes into the VM: the reference (chapters/),
# or the student's lab (modules/). 'check' tests labs only, 'run-qemu'
# prefers a lab when there is one, everything else uses the reference.
ifneq ($(filter check check-all,$(MAKECMDGOALS)),)
ifeq ($(filter check-all,$(MAKECMDGOALS)),)
$(foreach ch,$(filter-out $(LABS),$(CHAPTERS)),$(error $(LABDIR)/$(ch) does not exist: 'make lab CH=$(firstword $(subst -, ,$(ch)))' starts it))
endif
CHAPTERS := $(LABS)
ifeq ($(CHAPTERS),)
$(error there is no lab in $(LABDIR)/ yet: 'make lab CH=NN' starts one)
endif
USE_LAB := $(LABS)
else ifneq ($(filter run-qemu rebuild,$(MAKECMDGOALS)),)
USE_LAB := $(LABS)
endif

EXT_HOME := $(or $(WB_EXTDIR),chapters)
$(foreach ch,$(if $(EXT),$(CHAPTERS)),$(if $(wildcard $(EXT_HOME)/$(ch)/ext-$(EXT).sh),,\
	$(error chapter $(ch) has no extension exercise '$(EXT)' (no $(EXT_HOME)/$(ch)/ext-$(EXT).sh))))

src_of = $(if $(filter $1,$(USE_LAB)),$(LABDIR),chapters)
# What each chapter needs of the VM (scripts/run-qemu.sh): the vm.conf of
# the copy in use, or else the reference's.
vmconf_of = $(or $(wildcard $(call src_of,$1)/$1/vm.conf),$(wildcard chapters/$1/vm.conf))
export WB_VMCONF := $(foreach ch,$(CHAPTERS),$(call vmconf_of,$(ch)))
# Where the unstripped modules are, to trace a kernel report to a line.
export WB_KO_DIRS = $(foreach ch,$(CHAPTERS),$(CURDIR)/$(call out_of,$(ch)))
# Labs from different places (modules/, a solution) build apart.
LAB_OUT := $(KOUT)/lab-$(subst /,-,$(LABDIR))
out_of = $(if $(filter $1,$(USE_LAB)),$(LAB_OUT),$(KOUT)/ch)/$1

# Every warning is an error: the workbook builds with none, at W=1. A
# student's lab gets the warnings but not the errors. BTF for modules needs
# the full vmlinux, which the packaged headers lack.
KBUILD_FLAGS := W=1 CONFIG_DEBUG_INFO_BTF_MODULES=
TOOL_CFLAGS := -static -O2 -s -Wall -Wextra

TOOLS := $(foreach ch,$(CHAPTERS),\
	$(patsubst $(call src_of,$(ch))/$(ch)/tools/%.c,$(call out_of,$(ch))/tools/%,\
		$(wildcard $(call src_of,$(ch))/$(ch)/tools/*.c)))
HARNESS_TOOLS := $(patsubst initramfs/tools/%.c,$(BUILD)/tools/%,$(wildcard initramfs/tools/*.c))
# The uncompressed kernel boots faster (PVH), where the kernel allows it.
export WB_VMLINUX := $(if $(filter pvh,$(word 5,$(KERNEL_INFO))),$(CURDIR)/$(KOUT)/vmlinux)
# One initramfs per chapter selection (and lab choice), so that 'make test'
# and 'make run-qemu CH=09' do not rebuild each other's.
SELECTION := $(if $(CH),$(subst $(eval) ,-,$(strip $(CH))),all)$(if $(USE_LAB),-lab)$(if $(EXT),-$(EXT))$(if $(WB_EXTDIR),-extdir)
# Labs from elsewhere (make grade checks many at once) get their own.
SELECTION := $(SELECTION)$(if $(and $(USE_LAB),$(filter-out modules,$(LABDIR))),-$(subst /,-,$(LABDIR)))
# make stress, and make check STRESS=1: each chapter runs the guest's
# initramfs/wb/stress.sh instead of its tests, in an initramfs of its own
# (trinity is in it). SEED, SECONDS and CYCLES reach the guest on the kernel
# command line, and the chapter's time limit, in the guest and in the
# runner, grows with SECONDS. No SEED: a new one, which the report prints.
ifneq ($(STRESS)$(filter stress,$(MAKECMDGOALS)),)
$(foreach v,SEED SECONDS CYCLES,$(if $(shell echo '$($(v))' | grep -vx '[0-9]*'),$(error $(v)=$($(v)): say a number)))
export WB_TEST := stress
# trinity maps and fills memory: in the packaged kernels' 128M the OOM
# killer ended its children before they made a call.
ifeq ($(WB_MEM),128M)
export WB_MEM := 384M
endif
SELECTION := $(SELECTION)-stress
export WB_SEED := $(or $(SEED),$(shell od -An -N2 -tu2 /dev/urandom | tr -d ' '))
STRESS_LIMIT := $(shell echo $$(($(or $(SECONDS),20) * 2 + 300)))
export WB_APPEND := $(WB_APPEND) wb.seed=$(WB_SEED) wb.seconds=$(or $(SECONDS),20) \
	$(if $(CYCLES),wb.cycles=$(CYCLES)) wb.limit=$(STRESS_LIMIT)
export WB_RUNNER_LIMIT := $(shell echo $$(($(STRESS_LIMIT) + 60)))
endif
export WB_INITRAMFS := $(CURDIR)/$(KOUT)/initramfs-$(SELECTION).cpio

all: _initramfs

# kbuild writes its objects next to the sources, so each chapter is built in
# a copy under $(KOUT)/ch/ (a lab under $(LAB_OUT)/) and the sources stay
# clean. Stamps skip kbuild when no source changed. Its start-up is mostly
# compiler probes, whose answers scripts/kbuild-probe-cache.mk remembers in
# PROBE_CACHE (GNU make reads the files MAKEFILES names before each of
# kbuild's makefiles): 1.7 s of CPU less for every kbuild run after the
# first. The answers are forgotten when a compiler is installed after them.
# $(call kbuild,BUILD-DIR,EXTRA-FLAGS)
PROBE_CACHE := $(CURDIR)/$(KOUT)/kbuild-probes.mk
kbuild = MAKEFILES=$(CURDIR)/scripts/kbuild-probe-cache.mk WB_PROBE_CACHE=$(PROBE_CACHE) \
	$(MAKE) --no-print-directory -C $(KDIR) M=$(CURDIR)/$1 $(KBUILD_FLAGS) $2 modules
$(PROBE_CACHE): $(wildcard /usr/bin/gcc-[0-9]*)
	@mkdir -p $(@D) && : >$@
# $(call copy_sources,SOURCE-DIR,BUILD-DIR)
define copy_sources
	@mkdir -p $2
	@cp -pu $(wildcard $1/*.[ch] $1/Kbuild) $2/
endef

# The reference chapters always build, so one kbuild builds all of them that
# changed, as subfolders of $(KOUT)/ch (its Kbuild names them), and pays the
# start-up once instead of once a chapter. A chapter's .copied says its
# sources are in place; its .built, newer, that they were built since.
REF_CHAPTERS := $(if $(filter compile_commands.json,$(MAKECMDGOALS)),$(CHAPTERS),$(filter-out $(USE_LAB),$(CHAPTERS)))
REF_TREE := $(KOUT)/ch
_reference_modules: $(foreach ch,$(REF_CHAPTERS),$(REF_TREE)/$(ch)/.copied) | $(PROBE_CACHE)
	+$(Q)stale=""; for ch in $(REF_CHAPTERS); do \
		[ $(REF_TREE)/$$ch/.built -nt $(REF_TREE)/$$ch/.copied ] || stale="$$stale $$ch"; \
	done; \
	[ -z "$$stale" ] && exit 0; \
	echo 'obj-m += $$(addsuffix /,$$(WB_CHAPTERS))' >$(REF_TREE)/Kbuild; \
	WB_CHAPTERS="$$stale" $(call kbuild,$(REF_TREE),KCFLAGS=-Werror) && \
	for ch in $$stale; do touch $(REF_TREE)/$$ch/.built; done
# In these prerequisites $$* is the stem: make puts it only in place of the
# first % of a $$(wildcard ...), so a second % would match nothing.
.SECONDEXPANSION:
$(REF_TREE)/%/.copied: $$(wildcard chapters/$$*/*.[ch] chapters/$$*/Kbuild)
	$(call copy_sources,chapters/$*,$(@D))
	@touch $@

# A lab may not build: each builds alone, so a broken one fails only its own
# chapter.
$(LAB_OUT)/%/.built: $$(wildcard $(LABDIR)/$$*/*.[ch] $(LABDIR)/$$*/Kbuild) | $(PROBE_CACHE)
	$(call copy_sources,$(LABDIR)/$*,$(@D))
	+$(Q)$(call kbuild,$(LAB_OUT)/$*,) || \
		{ echo "make: your $(LABDIR)/$* does not build; the compiler says why above"; exit 1; }
	@touch $@

_modules: _reference_modules $(foreach ch,$(filter $(USE_LAB),$(CHAPTERS)),$(LAB_OUT)/$(ch)/.built)

# User tools: static, so the initramfs needs no C library; they see the
# chapter's headers (shared with its module) through -I.
$(KOUT)/ch/%: chapters/%.c $(wildcard chapters/*/*.h chapters/*/tools/*.h)
	@mkdir -p $(@D)
	@echo '  TOOL    $@'
	$(Q)$(CC) $(TOOL_CFLAGS) -Werror -I$(dir $<).. -o $@ $<

$(LAB_OUT)/%: $(LABDIR)/%.c $(wildcard $(LABDIR)/*/*.h $(LABDIR)/*/tools/*.h)
	@mkdir -p $(@D)
	@echo '  TOOL    $@'
	$(Q)$(CC) $(TOOL_CFLAGS) -I$(dir $<).. -o $@ $<

$(BUILD)/tools/%: initramfs/tools/%.c
	@mkdir -p $(@D)
	@echo '  TOOL    $@'
	$(Q)$(CC) $(TOOL_CFLAGS) -Werror -o $@ $<

ifneq ($(WB_VMLINUX),)
$(WB_VMLINUX): $(WB_IMAGE)
	@mkdir -p $(@D)
	@echo '  VMLINUX $(KOUT)/vmlinux'
	$(Q)scripts/extract-vmlinux.sh $< $@ || echo 'make: booting the bzImage instead (slower)'
endif

# Each chapter enters the initramfs as SOURCE:BUILD:ORIGIN; the test files
# always come from the reference chapter.
_initramfs: _modules $(TOOLS) $(HARNESS_TOOLS) $(WB_VMLINUX)
	$(Q)scripts/mkinitramfs.sh $(WB_INITRAMFS) $(KVER) $(KMODDIR) $(BUILD)/tools \
		$(foreach ch,$(CHAPTERS),chapters/$(ch):$(call out_of,$(ch)):$(call src_of,$(ch))/$(ch))

# GDB=1: the VM waits for gdb ('make gdb CH=NN' in another terminal).
run-qemu: export WB_GDB := $(GDB)
run-qemu: _initramfs
	@scripts/run-qemu.sh shell $(CHAPTERS)

# rebuild: build what 'make run-qemu' boots (your lab when you have one), and
# no initramfs; the running VM sees the result at /host ('reload MODULE').
rebuild: _modules $(TOOLS)

# For clangd and VS Code: every chosen chapter, and the labs that build
# (a lab that does not build yet keeps its last entries, or has none).
compile_commands.json: _reference_modules
	$(if $(LABS),-$(Q)$(MAKE) --no-print-directory -k $(foreach ch,$(LABS),$(LAB_OUT)/$(ch)/.built))
	$(Q)scripts/compile-commands.sh $@ $(KDIR) \
		$(foreach ch,$(CHAPTERS),$(KOUT)/ch/$(ch):chapters/$(ch)) \
		$(foreach ch,$(LABS),$(LAB_OUT)/$(ch):$(LABDIR)/$(ch))

# make test first checks, on the host, that every chapter's lab skeleton
# fills back into the reference (scripts/lab.sh verify), so the labs cannot
# drift from the code, and that the runner names each kind of kernel report
# right (and boots a VM once more only when its kernel died before the first
# chapter); then it runs the chapters in the VM. It fails if any of them fails.
# The transcripts the tests save go to the book. A host check runs again
# only when a file it reads changed: its stamp in SELFCHECK says it passed
# (they took 2 s of each make test, before the first VM started).
SELFCHECK := $(BUILD)/selfcheck
SELFCHECKS := $(foreach ch,$(CHAPTERS),$(SELFCHECK)/lab-$(ch)) $(SELFCHECK)/diagnosis
# (A chapter's folders are prerequisites too: a file deleted from one
# changes its time.)
$(SELFCHECK)/lab-%: scripts/lab.sh $$(wildcard $$(addprefix chapters/$$*/,/ */ *.[ch] */*.[ch] Kbuild */Kbuild))
	@mkdir -p $(@D); rm -f $@; out=$$(scripts/lab.sh verify $*) && touch $@; echo "$$out"
$(SELFCHECK)/diagnosis: scripts/diagnosis-selftest.py scripts/run-tests.py
	@mkdir -p $(@D); rm -f $@; out=$$(scripts/diagnosis-selftest.py) && touch $@; echo "$$out"

test: _initramfs $(SELFCHECKS)
	@status=0; \
	for check in $(SELFCHECKS); do \
		[ -e $$check ] || { echo "make test: the host check $${check##*/} failed (above)"; status=1; }; \
	done; \
	scripts/run-tests.py --log $(KOUT)/test-$(SELECTION).log --times $(KOUT)/seconds.json \
		$(if $(USE_LAB)$(EXT),,--transcripts $(BUILD)/transcripts) \
		$(if $(USE_LAB)$(EXT)$(CH)$(KVER_GIVEN),,--results $(BUILD)/results/kernel-$(or $(KERNEL),6.1).json) \
		$(CHAPTERS) || status=1; \
	exit $$status

# check also writes its results as JUnit XML and TAP (scripts/reports.py)
# into REPORTS, for CI systems and gradebooks.
REPORTS ?= $(BUILD)/reports
check check-all: _initramfs
	@status=0; scripts/run-tests.py --log $(KOUT)/check-$(SELECTION).log \
		--times $(KOUT)/$(if $(STRESS),stress-)seconds.json \
		--report $(REPORTS)/results.json --score $(CHAPTERS) || status=1; \
	scripts/reports.py $(REPORTS)/results.json || status=1; exit $$status

# The chapters' reports are judged as in make test; scripts/stress.sh adds
# the seed, and how to replay it.
.PHONY: stress
stress: _initramfs
	@scripts/stress.sh --log $(KOUT)/stress-$(SELECTION).log \
		--times $(KOUT)/stress-seconds.json $(CHAPTERS)

bench: _initramfs
	@KVER_GIVEN=$(KVER_GIVEN) scripts/bench.sh

# sparse builds every chosen chapter (and lab) with C=2; lint adds
# checkpatch. Both end with one verdict line.
sparse lint:
	@LABDIR=$(LABDIR) KDIR=$(KDIR) scripts/lint.sh $@ $(CHAPTERS)

.PHONY: _modules _reference_modules _initramfs
endif
