# SPDX-License-Identifier: MIT
# cbpf: one non-recursive Makefile. `make help` lists the targets.
-include config.mak

CC ?= cc
CLANG ?= clang
CFLAGS ?= -O2 -g
LDFLAGS ?=
PKG_CONFIG ?= pkg-config
OBJCOPY ?= objcopy
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
FUZZ_SECONDS ?= 10

VERSION := 0.1.0
SOVERSION := 0

# SANITIZE=1 builds everything again, with ASan and UBSan, in its own directory; its check
# runs one expression in TEST_SAMPLE of the suites that repeat the same paths over tcpdump's
# expressions (CBPF_TEST_SAMPLE), as every process is slower there.
ifeq ($(SANITIZE),1)
B ?= build-san
TEST_SAMPLE ?= 3
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else ifeq ($(FUZZ),1)
B ?= build-fuzz
SAN := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -DCBPF_FUZZING
else
B ?= build
SAN :=
endif
TEST_SAMPLE ?= 1

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wcast-qual -Wformat=2 -Wvla -Wimplicit-fallthrough -Wundef \
	-Wwrite-strings -Wnull-dereference
BASE_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -Ilibcbpf/include $(WARN) $(SAN) -MMD -MP
BASE_LDFLAGS := $(SAN)

pkg_cflags = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
pkg_libs = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null)
PCAP_CFLAGS := $(call pkg_cflags,libpcap)
PCAP_LIBS := $(call pkg_libs,libpcap)
READLINE_CFLAGS := $(call pkg_cflags,readline)
READLINE_LIBS := $(call pkg_libs,readline)
CHECK_CFLAGS := $(call pkg_cflags,check)
CHECK_LIBS := $(call pkg_libs,check)
LIBBPF_CFLAGS := $(call pkg_cflags,libbpf)
LIBBPF_LIBS := $(call pkg_libs,libbpf)
SECCOMP_CFLAGS := $(call pkg_cflags,libseccomp)
SECCOMP_LIBS := $(call pkg_libs,libseccomp)
# capstone disassembles the JIT's code for cbpf-asm --to native (docs/jit.md); optional.
HAVE_CAPSTONE := $(shell $(PKG_CONFIG) --exists capstone 2>/dev/null && echo 1)
CAPSTONE_CFLAGS := $(if $(HAVE_CAPSTONE),$(call pkg_cflags,capstone) -DCBPF_HAVE_CAPSTONE)
CAPSTONE_LIBS := $(if $(HAVE_CAPSTONE),$(call pkg_libs,capstone))

# What every program linking libcbpf.a needs.
LIB_DEPS_LIBS := $(PCAP_LIBS) $(LIBBPF_LIBS) $(CAPSTONE_LIBS)

ifeq ($(V),1)
Q :=
say :=
else
Q := @
say = @printf '  %-7s %s\n' $(1) $(2);
endif

# ---------------------------------------------------------------- sources
# A folder per stage (docs/ARCHITECTURE.md). A file added at the top of libcbpf/src is built
# too, until it finds its folder.
LIB_SRC := $(sort $(wildcard libcbpf/src/*/*.c libcbpf/src/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
# The syscall tables: the committed libcbpf/data/syscalls.csv turned into C by the build.
SYSTAB_C := $(B)/gen/systab_data.c
LIB_OBJ += $(B)/gen/systab_data.o
# The named constants, the same way: libcbpf/data/constants.csv.
CONSTTAB_C := $(B)/gen/consttab_data.c
LIB_OBJ += $(B)/gen/consttab_data.o
LIB_A := $(B)/lib/libcbpf.a
# What the programs, tests, benchmarks and fuzzers link: every symbol, internal ones too.
LIB_INT_A := $(B)/libcbpf-internal.a
LIB_SO := $(B)/lib/libcbpf.so.$(VERSION)
LIB_SONAME := libcbpf.so.$(SOVERSION)

# A program per directory that has sources: asm/ -> cbpf-asm, dbg/ -> cbpf-dbg, ...
PROG_DIRS := $(foreach d,asm dbg xlate,$(if $(wildcard $(d)/*.c),$(d)))
PROGS := $(PROG_DIRS:%=$(B)/bin/cbpf-%)
# cli/: what the programs share (messages, options, input and output files), linked into each.
CLI_OBJ := $(patsubst %.c,$(B)/%.o,$(sort $(wildcard cli/*.c)))
prog_obj = $(patsubst %.c,$(B)/%.o,$(sort $(wildcard $(1)/*.c))) $(CLI_OBJ)

GEN_SRC := $(sort $(wildcard pcaps/*.c))
GEN := $(if $(GEN_SRC),$(B)/bin/cbpf-pcapgen)

# tests/lib/: what tests, benchmarks and fuzzers share (random programs, splitmix, prog_insert),
# kept out of libcbpf.
TEST_LIB_SRC := $(sort $(wildcard tests/lib/*.c))
TEST_LIB_A := $(B)/tests/lib/libcbpf-test.a
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
UNIT_OBJ := $(UNIT_SRC:%.c=$(B)/%.o)
UNIT := $(B)/tests/unit-tests
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))
TOOLS := $(patsubst tests/tools/%.c,$(B)/tests/bin/%,$(TOOL_SRC))
BENCH_SRC := $(sort $(wildcard bench/*.c))
BENCHES := $(patsubst bench/%.c,$(B)/bench/bin/%,$(BENCH_SRC))
FUZZ_SRC := $(sort $(wildcard fuzz/*.c))
FUZZERS := $(patsubst fuzz/%.c,$(B)/fuzz/bin/%,$(FUZZ_SRC))
MANPAGES := $(sort $(wildcard man/*.1))
PUBLIC_HEADERS := $(sort $(wildcard libcbpf/include/cbpf/*.h))

.PHONY: all lib progs help check unit test-tools bench fuzz fuzz-build demo deps golden \
	format format-check \
	install uninstall clean pcaps
.DEFAULT_GOAL := all
# Keep the objects of test tools, benchmarks and fuzzers that pattern rules build in passing.
.SECONDARY:

all: lib progs pcaps

help:
	@echo 'make [all]       libcbpf (static and shared), the programs, the test captures'
	@echo 'make demo        the main job on the project'"'"'s own captures'
	@echo 'make check       every test (SANITIZE=1 for ASan+UBSan)'
	@echo 'make bench       benchmarks, as ratios against the peers'
	@echo 'make fuzz        each fuzz target for FUZZ_SECONDS (default 10)'
	@echo 'make golden      regenerate the golden outputs of the end-to-end tests'
	@echo 'make format      format the C sources with .clang-format (format-check: only check)'
	@echo 'make deps        install missing Debian packages (as root) or print the apt-get line'
	@echo 'make install     PREFIX=/usr/local DESTDIR='
	@echo 'make clean'

# ---------------------------------------------------------------- compile
# Internal headers are included by their path from libcbpf/src ("classic/prog.h"), so that an
# #include line says which stage a file leans on.
$(B)/libcbpf/src/%.o: libcbpf/src/%.c
	$(call say,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) -Ilibcbpf/src -fPIC -fvisibility=hidden $(EXTRA_CFLAGS) $(CFLAGS) \
		-c -o $@ $<

$(B)/%.o: %.c
	$(call say,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) $(EXTRA_CFLAGS) $(CFLAGS) -c -o $@ $<

$(SYSTAB_C): libcbpf/data/syscalls.csv libcbpf/data/systab.awk
	$(call say,GEN,$@)
	@mkdir -p $(@D)
	$(Q)grep -v '^#' $< | tail -n +2 | LC_ALL=C sort -t, -k1,1 | \
		LC_ALL=C awk -f libcbpf/data/systab.awk > $@.tmp && mv $@.tmp $@

$(CONSTTAB_C): libcbpf/data/constants.csv libcbpf/data/consttab.awk
	$(call say,GEN,$@)
	@mkdir -p $(@D)
	$(Q)grep -v '^#' $< | tail -n +2 | LC_ALL=C sort -t, -k1,1 | \
		LC_ALL=C awk -f libcbpf/data/consttab.awk > $@.tmp && mv $@.tmp $@

$(B)/gen/%_data.o: $(B)/gen/%_data.c
	$(call say,CC,$<)
	$(Q)$(CC) $(BASE_CFLAGS) -Ilibcbpf/src -fPIC -fvisibility=hidden $(CFLAGS) -c -o $@ $<

# Flags scoped to the files that need them.
# capture/ is the only place in libcbpf that includes <pcap/pcap.h>, kernel/ the only one that
# calls libbpf.
$(B)/libcbpf/src/capture/%.o: EXTRA_CFLAGS += $(PCAP_CFLAGS)
$(B)/libcbpf/src/kernel/%.o: EXTRA_CFLAGS += $(LIBBPF_CFLAGS)
# jit/disasm.c is the only place that disassembles x86-64 (capstone: docs/jit.md says why).
$(B)/libcbpf/src/jit/disasm.o: EXTRA_CFLAGS += $(CAPSTONE_CFLAGS)
# fopencookie, which keeps a failed write's errno, and mkostemp are GNU (glibc and musl).
$(filter %/outfile.o,$(LIB_OBJ)): EXTRA_CFLAGS += -D_GNU_SOURCE
$(B)/dbg/%.o: EXTRA_CFLAGS += $(READLINE_CFLAGS)
$(B)/pcaps/%.o: EXTRA_CFLAGS += $(PCAP_CFLAGS) -Ilibcbpf/src -Itests/lib
$(B)/tests/%.o: EXTRA_CFLAGS += -Ilibcbpf/src -Itests/lib $(CHECK_CFLAGS) $(PCAP_CFLAGS) \
	$(SECCOMP_CFLAGS)
$(B)/bench/%.o: EXTRA_CFLAGS += -Ilibcbpf/src -Itests/lib $(PCAP_CFLAGS) $(SECCOMP_CFLAGS)
$(B)/fuzz/%.o: EXTRA_CFLAGS += -Ilibcbpf/src -Itests/lib -Icli
$(foreach d,asm dbg xlate cli,$(B)/$(d)/%.o): EXTRA_CFLAGS += -Icli -Ilibcbpf/src -DCBPF_VERSION='"$(VERSION)"'

# ---------------------------------------------------------------- library
lib: $(LIB_A) $(LIB_SO)

$(LIB_INT_A): $(LIB_OBJ)
	$(call say,AR,$@)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# The installed archive exports what the shared library does, the CBPF_API functions, and
# nothing else: one relocatable object whose hidden symbols are made local.
$(LIB_A): $(LIB_OBJ)
	$(call say,AR,$@)
	@mkdir -p $(@D)
	$(Q)$(LD) -r -o $(B)/lib/libcbpf.o $^
	$(Q)$(OBJCOPY) --localize-hidden $(B)/lib/libcbpf.o
	$(Q)rm -f $@ && $(AR) rcs $@ $(B)/lib/libcbpf.o && rm -f $(B)/lib/libcbpf.o

$(LIB_SO): $(LIB_OBJ)
	$(call say,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -shared -Wl,-soname,$(LIB_SONAME) $(BASE_LDFLAGS) $(LDFLAGS) -o $@ $^ \
		$(LIB_DEPS_LIBS)
	$(Q)ln -sf $(notdir $@) $(B)/lib/$(LIB_SONAME) && ln -sf $(LIB_SONAME) $(B)/lib/libcbpf.so

# ---------------------------------------------------------------- programs
progs: $(PROGS)

$(B)/bin/cbpf-asm: $(call prog_obj,asm) $(LIB_INT_A)
$(B)/bin/cbpf-dbg: $(call prog_obj,dbg) $(LIB_INT_A)
$(B)/bin/cbpf-dbg: EXTRA_LIBS = $(READLINE_LIBS)
$(B)/bin/cbpf-xlate: $(call prog_obj,xlate) $(LIB_INT_A)

$(PROGS):
	$(call say,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(BASE_LDFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIB_INT_A) $(EXTRA_LIBS) \
		$(LIB_DEPS_LIBS)

# ---------------------------------------------------------------- captures
pcaps: $(if $(GEN),$(B)/pcaps.stamp)

# The generator writes its files as the programs do (libcbpf/src/util/outfile.c), and removes
# its temporary files on a signal as they do (cli/signals.c).
$(GEN): $(patsubst %.c,$(B)/%.o,$(GEN_SRC)) $(B)/libcbpf/src/util/outfile.o $(B)/cli/signals.o
	$(call say,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(BASE_LDFLAGS) $(LDFLAGS) -o $@ $^ $(PCAP_LIBS)

# The small captures are deterministic and committed; regenerating them changes nothing.
$(B)/pcaps.stamp: $(GEN)
	$(call say,GEN,pcaps/)
	$(Q)$(GEN) pcaps && touch $@

# ---------------------------------------------------------------- tests
unit: $(UNIT)

# Each tests/unit/check_<module>.c defines <module>_suite(); the runner learns them from here.
UNIT_SUITES := $(patsubst tests/unit/check_%.c,%,$(filter tests/unit/check_%.c,$(UNIT_SRC)))
$(B)/tests/unit/suites.inc: $(UNIT_SRC)
	@mkdir -p $(@D)
	$(Q)printf 'SUITE(%s)\n' $(UNIT_SUITES) > $@

$(UNIT_OBJ): $(B)/tests/unit/suites.inc
$(UNIT_OBJ): EXTRA_CFLAGS += -Itests/unit -I$(B)/tests/unit

$(TEST_LIB_A): $(TEST_LIB_SRC:%.c=$(B)/%.o)
	$(call say,AR,$@)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(UNIT): $(UNIT_OBJ) $(TEST_LIB_A) $(LIB_INT_A)
	$(call say,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(BASE_LDFLAGS) $(LDFLAGS) -o $@ $(UNIT_OBJ) $(TEST_LIB_A) $(LIB_INT_A) \
		$(CHECK_LIBS) $(SECCOMP_LIBS) $(LIB_DEPS_LIBS)

test-tools: $(TOOLS)

$(B)/tests/bin/%: $(B)/tests/tools/%.o $(TEST_LIB_A) $(LIB_INT_A)
	$(call say,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(BASE_LDFLAGS) $(LDFLAGS) -o $@ $< $(TEST_LIB_A) $(LIB_INT_A) $(SECCOMP_LIBS) \
		$(LIB_DEPS_LIBS)

# The README's test command: installs what is missing (as root), then runs every suite.
check:
	$(Q)tools/deps.sh --quiet test
	$(Q)$(MAKE) --no-print-directory all unit test-tools
	$(Q)CBPF_TEST_SAMPLE=$(TEST_SAMPLE) tools/run-tests.sh $(B)

golden: all
	$(Q)tools/golden.sh $(B)

# ---------------------------------------------------------------- bench, fuzz, demo
$(B)/bench/bin/%: $(B)/bench/%.o $(TEST_LIB_A) $(LIB_INT_A)
	$(call say,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(BASE_LDFLAGS) $(LDFLAGS) -o $@ $< $(TEST_LIB_A) $(LIB_INT_A) $(PCAP_LIBS) \
		$(SECCOMP_LIBS) $(LIB_DEPS_LIBS)

bench:
	$(Q)tools/deps.sh --quiet test
	$(Q)$(MAKE) --no-print-directory all $(BENCHES) $(B)/tests/bin/scale-gen
	$(Q)tools/bench.sh $(B)

fuzz:
	$(Q)tools/deps.sh --quiet test
	$(Q)$(MAKE) --no-print-directory FUZZ=1 CC=$(CLANG) fuzz-build
	$(Q)tools/fuzz.sh build-fuzz $(FUZZ_SECONDS)

fuzz-build: $(FUZZERS)

$(B)/fuzz/bin/%: $(B)/fuzz/%.o $(TEST_LIB_A) $(LIB_INT_A)
	$(call say,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -fsanitize=fuzzer,address,undefined $(LDFLAGS) -o $@ $(filter %.o,$^) \
		$(TEST_LIB_A) $(LIB_INT_A) $(LIB_DEPS_LIBS)

# cbpf-dbg's command layer, linked as the program links it, without its terminal (readline).
$(B)/fuzz/bin/dbg_cmd: $(filter-out $(B)/dbg/main.o $(B)/dbg/term.o,$(call prog_obj,dbg))

demo:
	$(Q)tools/deps.sh --quiet build
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tools/demo.sh $(B)

format:
	$(Q)tools/format.sh format

format-check:
	$(Q)tools/format.sh check || test $$? -eq 77

deps:
	$(Q)tools/deps.sh all

# ---------------------------------------------------------------- install
install: lib progs
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/cbpf \
		$(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(MANDIR)/man1
	$(if $(PROGS),install -m 755 $(PROGS) $(DESTDIR)$(BINDIR))
	install -m 644 $(LIB_A) $(DESTDIR)$(LIBDIR)
	install -m 755 $(LIB_SO) $(DESTDIR)$(LIBDIR)
	ln -sf $(notdir $(LIB_SO)) $(DESTDIR)$(LIBDIR)/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(DESTDIR)$(LIBDIR)/libcbpf.so
	install -m 644 libcbpf/include/cbpf.h $(DESTDIR)$(INCLUDEDIR)
	install -m 644 $(PUBLIC_HEADERS) $(DESTDIR)$(INCLUDEDIR)/cbpf
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
		-e 's|@CAPSTONE@|$(if $(HAVE_CAPSTONE), capstone)|' \
		libcbpf/libcbpf.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/libcbpf.pc
	$(if $(MANPAGES),install -m 644 $(MANPAGES) $(DESTDIR)$(MANDIR)/man1)

uninstall:
	rm -f $(PROGS:$(B)/bin/%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(DESTDIR)$(LIBDIR)/libcbpf.a $(DESTDIR)$(LIBDIR)/libcbpf.so*
	rm -rf $(DESTDIR)$(INCLUDEDIR)/cbpf $(DESTDIR)$(INCLUDEDIR)/cbpf.h
	rm -f $(DESTDIR)$(PKGCONFIGDIR)/libcbpf.pc
	rm -f $(MANPAGES:man/%=$(DESTDIR)$(MANDIR)/man1/%)

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(B) -name '*.d' 2>/dev/null)
