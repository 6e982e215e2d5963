# The two commands of the README (make demo, make test) and their building blocks.
# Every target first installs what is missing (Debian packages, npm packages): see scripts/deps.sh.
.PHONY: deps build demo test test-dev test-asan test-tsan fuzz bench format clean

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

test: test-dev test-asan

# The concurrency tests (ctest label "tsan") under ThreadSanitizer.
test-tsan: deps
	cmake --preset tsan
	cmake --build --preset tsan
	ctest --preset tsan

# Every libFuzzer target for FUZZ_SECONDS (default 60) each; see scripts/fuzz.sh.
fuzz: deps
	scripts/fuzz.sh

bench: deps
	scripts/bench.sh

format:
	git ls-files '*.h' '*.hpp' '*.cpp' | xargs clang-format -i

clean:
	rm -rf build build-*
