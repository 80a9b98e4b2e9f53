# lifecircle: one-command set-up on Debian 12.
#   make demo   install missing packages, build, run the bundled sample projects
#   make test   install missing packages, build, run the whole test suite
BUILD_DIR ?= build
ASAN_DIR  ?= build-asan
JOBS      ?= $(shell nproc)
LIFECIRCLE = $(BUILD_DIR)/lifecircle

# Exact Debian 12 packages the build and tests need.
DEB_PACKAGES = build-essential cmake pkg-config python3 \
  libgdal-dev gdal-bin libgeos-dev libproj-dev libsqlite3-dev \
  libboost-graph-dev catch2 libtomlplusplus-dev libcli11-dev nlohmann-json3-dev \
  coinor-libcbc-dev libssl-dev \
  chromium fonts-wqy-microhei python3-qgis qgis-providers
# chromium: tests/cli/report_browser.sh renders report.html headless; fonts-wqy-microhei gives it
# (and the screenshot) Chinese glyphs instead of empty boxes. python3-qgis, qgis-providers:
# tests/cli/qgis_project.sh opens coverage.qgz in QGIS itself (headless) and renders it.

SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build test demo asan bench golden clean

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "all Debian packages present"; fi

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

demo: build
	bash scripts/demo.sh $(LIFECIRCLE) out

asan: deps
	cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=Debug -DLC_SANITIZE=ON
	cmake --build $(ASAN_DIR) -j $(JOBS)
	cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp ctest --output-on-failure -j $(JOBS)

# Rewrites the committed golden outputs (tests/golden/) after an intended change; review the diff.
golden: build
	bash tests/cli/golden.sh $(LIFECIRCLE) $(BUILD_DIR)/golden-out --update

bench: build
	bash bench/run.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) out
