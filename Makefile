# The Linux kernel module workbook: build the chapters, boot them in QEMU,
# test them. 'make help' says what each target does.

CH    ?=
ACCEL ?= auto
BUILD := build
Q     := $(if $(V),,@)

ALL_CHAPTERS := $(patsubst chapters/%/,%,$(sort $(wildcard chapters/[0-9][0-9]-*/)))
CHAPTERS := $(if $(CH),$(foreach n,$(CH),$(filter $(n)-%,$(ALL_CHAPTERS))),$(ALL_CHAPTERS))
# One initramfs per chapter selection, so 'make test' and 'make run-qemu CH=09'
# do not rebuild each other's.
SELECTION := $(if $(CH),$(subst $(eval) ,-,$(strip $(CH))),all)

.PHONY: all help deps test run-qemu bench sparse docs pdf docs-check clean
.DEFAULT_GOAL := all

help:
	@echo 'make run-qemu CH=01   boot the VM to a root shell in chapter 01'
	@echo 'make test [CH=01]     run the behavioural tests of every (or one) chapter in the VM'
	@echo 'make [CH=01]          build the modules, tools and initramfs only'
	@echo 'make deps             install everything from Debian packages (apt-get)'
	@echo 'make bench            time an empty boot and a full make test (medians)'
	@echo 'make sparse           build every module with the sparse checker (C=2)'
	@echo 'make docs             render the book to $(BUILD)/docs/html'
	@echo 'make pdf              render the book to one PDF in $(BUILD)/docs'
	@echo 'make docs-check       open the rendered book in headless Chromium and check it'
	@echo 'make clean            remove $(BUILD)/'
	@echo 'Variables: CH=NN, ACCEL=auto|kvm|tcg, KVER=<release>, KDIR=<kbuild dir>, V=1'

deps:
	@scripts/deps.sh

clean:
	rm -rf $(BUILD)

# The book: docs/build.sh renders it (html, pdf) and checks the rendered
# pages in a headless browser (check).
docs pdf docs-check:
	@scripts/deps.sh --ensure-docs
	@docs/build.sh $(patsubst docs,html,$(patsubst docs-check,check,$@))

ifeq ($(CH)$(CHAPTERS),$(CH))
$(error CH=$(CH): no such chapter; the chapters are $(ALL_CHAPTERS))
endif

ifeq ($(WB_READY),)
# The outer make: install what is missing, then do the work in a make that
# starts after the installation, so it sees the kernel that came with it.
all test run-qemu bench sparse:
	@scripts/deps.sh --ensure
	@$(MAKE) --no-print-directory WB_READY=1 $@
else

KVER ?= $(shell scripts/kernel.sh)
ifeq ($(KVER),)
$(error no usable kernel (see above); 'make deps' installs one)
endif
KDIR ?= /lib/modules/$(KVER)/build
export KVER ACCEL

# Every warning is an error: the workbook builds with none, at W=1. BTF for
# modules needs the full vmlinux, which the packaged headers lack.
KBUILD_FLAGS := W=1 KCFLAGS=-Werror CONFIG_DEBUG_INFO_BTF_MODULES=
TOOL_CFLAGS := -static -O2 -s -Wall -Wextra -Werror

TOOLS := $(foreach ch,$(CHAPTERS),$(patsubst chapters/%.c,$(BUILD)/ch/%,$(wildcard chapters/$(ch)/tools/*.c)))
HARNESS_TOOLS := $(patsubst initramfs/tools/%.c,$(BUILD)/tools/%,$(wildcard initramfs/tools/*.c))
VMLINUX := $(BUILD)/vmlinux-$(KVER)
export WB_INITRAMFS := $(CURDIR)/$(BUILD)/initramfs-$(SELECTION).cpio

all: initramfs

# kbuild writes its objects next to the sources, so each chapter is built
# in a copy under $(BUILD)/ch/, and chapters/ stays clean. A stamp per kernel
# release skips kbuild (half a second per chapter) when no source changed.
modules: $(foreach ch,$(CHAPTERS),$(BUILD)/ch/$(ch)/.built-$(KVER))
.SECONDEXPANSION:
$(BUILD)/ch/%/.built-$(KVER): $$(wildcard chapters/%/*.[ch] chapters/%/Kbuild)
	$(Q)$(MAKE) --no-print-directory module-$*
	@touch $@
module-%:
	@mkdir -p $(BUILD)/ch/$*
	$(if $(wildcard chapters/$*/Kbuild),\
	@cp -pu $(wildcard chapters/$*/*.[ch] chapters/$*/Kbuild) $(BUILD)/ch/$*/ && \
	$(MAKE) --no-print-directory -C $(KDIR) M=$(CURDIR)/$(BUILD)/ch/$* $(KBUILD_FLAGS) modules)

# User tools: static, so the initramfs needs no C library; they see the
# chapter's headers (shared with its module) through -I.
$(BUILD)/ch/%: chapters/%.c $(wildcard chapters/*/*.h)
	@mkdir -p $(@D)
	@echo '  TOOL    $@'
	$(Q)$(CC) $(TOOL_CFLAGS) -I$(dir $<).. -o $@ $<

$(BUILD)/tools/%: initramfs/tools/%.c
	@mkdir -p $(@D)
	@echo '  TOOL    $@'
	$(Q)$(CC) $(TOOL_CFLAGS) -o $@ $<

$(VMLINUX): /boot/vmlinuz-$(KVER)
	@mkdir -p $(@D)
	@echo '  VMLINUX $@'
	$(Q)scripts/extract-vmlinux.sh $< $@ || echo 'make: booting the bzImage instead (slower)'

initramfs: modules $(TOOLS) $(HARNESS_TOOLS) $(VMLINUX)
	$(Q)scripts/mkinitramfs.sh $(WB_INITRAMFS) $(KVER) $(BUILD)/tools \
		$(foreach ch,$(CHAPTERS),chapters/$(ch):$(BUILD)/ch/$(ch))

run-qemu: initramfs
	$(if $(filter 1,$(words $(CHAPTERS))),,$(error run-qemu boots one chapter: say CH=NN))
	@scripts/run-qemu.sh shell $(firstword $(subst -, ,$(CHAPTERS)))

test: initramfs
	@scripts/run-tests.py --log $(BUILD)/test-$(SELECTION).log $(CHAPTERS)

bench: initramfs
	@scripts/bench.sh

sparse:
	$(Q)$(foreach ch,$(CHAPTERS),$(MAKE) --no-print-directory module-$(ch) KBUILD_FLAGS='$(KBUILD_FLAGS) C=2' &&) true

.PHONY: modules initramfs
endif
