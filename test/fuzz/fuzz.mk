# tailfold fuzz targets, built by test/fuzz/run (make -f fuzz.mk top=... out=...).
# GPL-2.0-or-later.
#
# A plain makefile, not automake: the targets need clang's libFuzzer while
# the project builds with the default compiler, and nothing here is
# installed.  The parsers' sources go into one archive built with
# coverage hooks (fuzzer-no-link); each target links only what it uses.

CXX = clang++
SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
CXXFLAGS = -std=c++17 -g -O1 $(SAN) -I$(top)

# What the parsers, the store's writer and the checks after them reach.
LIB_SRC = src/core/key_value.cc src/core/duration_params.cc src/core/duration_factor.cc \
	src/core/backfill_params.cc src/core/estimate_store.cc src/core/runtime_estimator.cc \
	src/core/text_escape.cc src/core/file_lock.cc src/core/chain_credit.cc \
	src/core/slurm_time.cc src/core/sacct_rows.cc src/core/decay_state_file.cc \
	src/core/backfill_planner.cc src/core/timeline.cc src/core/level_steps.cc \
	src/programs/sim/swf_reader.cc src/programs/sim/sacct_reader.cc
TARGETS = priority_params scheduler_params estimate_store estimate_roundtrip swf_reader sacct_reader slurm_time chain_book decay_state

LIB_OBJ = $(LIB_SRC:%.cc=$(out)/obj/%.o)

all: $(TARGETS:%=$(out)/fuzz_%)

$(out)/obj/%.o: $(top)/%.cc
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(out)/libparsers.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(out)/fuzz_%: $(top)/test/fuzz/%.cc $(out)/libparsers.a
	$(CXX) $(CXXFLAGS) -fsanitize=fuzzer -MMD -MP -MF $@.d $< $(out)/libparsers.a -ljansson -lz -o $@

-include $(LIB_OBJ:.o=.d) $(TARGETS:%=$(out)/fuzz_%.d)
.PHONY: all
