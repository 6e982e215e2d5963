# The two commands of the README (make demo, make test) and their building blocks.
# Every target first installs what is missing (Debian packages, npm packages): see scripts/deps.sh.
.PHONY: deps build demo test test-dev test-asan test-tsan test-fuzz fuzz bench format clean

deps:
	@scripts/deps.sh

build: deps
	cmake --preset dev
	cmake --build --preset dev

demo: build
	scripts/demo.sh build

test-dev: deps
	cmake --preset dev
	cmake --build --preset dev
	ctest --preset dev

test-asan: deps
	cmake --preset asan
	cmake --build --preset asan
	ctest --preset asan

# Everything CI runs. The ASan suite runs last: its ctest summary is the closing line CI reads.
test: test-dev test-tsan test-fuzz test-asan

# The concurrency tests (ctest label "tsan") under ThreadSanitizer.
test-tsan: deps
	cmake --preset tsan
	cmake --build --preset tsan
	ctest --preset tsan

# The short fuzzing run of CI: 60 s per target, three targets at a time (two rounds on 2 cores).
test-fuzz: deps
	FUZZ_JOBS=3 FUZZ_SECONDS=60 scripts/fuzz.sh

# Every libFuzzer target for FUZZ_SECONDS (default 60) each; see scripts/fuzz.sh.
fuzz: deps
	scripts/fuzz.sh

bench: deps
	scripts/bench.sh

format:
	git ls-files '*.h' '*.hpp' '*.cpp' | xargs clang-format -i

clean:
	rm -rf build build-*
