# Build targets for `sam build` (template.yaml: Metadata.BuildMethod: makefile).
#
# SAM runs `make build-<LogicalId>` with ARTIFACTS_DIR set; each target builds the function's
# module with the Maven reactor (so the `shared` module comes along) and lays the deployable
# layout into ARTIFACTS_DIR: the function's classes at the root and its runtime jars in lib/.
# The same targets work by hand: `make build-AuthorizerFunction ARTIFACTS_DIR=/tmp/out`.

MVNW ?= $(CURDIR)/mvnw
MVN_FLAGS ?= -B -q -DskipTests

.PHONY: build-AuthorizerFunction build-LogIngestFunction build-KeyRotationFunction artifacts

build-AuthorizerFunction:
	$(call lay_out_function,authorizer-fn)

build-LogIngestFunction:
	$(call lay_out_function,log-ingest-fn)

build-KeyRotationFunction:
	$(call lay_out_function,key-rotation-fn)

# All three deployable zips, without tests.
artifacts:
	$(MVNW) $(MVN_FLAGS) -pl authorizer-fn,log-ingest-fn,key-rotation-fn -am package

define lay_out_function
	@test -n "$(ARTIFACTS_DIR)" || (echo "ARTIFACTS_DIR is not set (sam build sets it)" >&2; exit 2)
	$(MVNW) $(MVN_FLAGS) -f "$(CURDIR)/pom.xml" -pl $(1) -am package
	mkdir -p "$(ARTIFACTS_DIR)"
	cd "$(ARTIFACTS_DIR)" && { command -v unzip >/dev/null && unzip -q -o "$(CURDIR)/$(1)/target/$(1).zip" || jar xf "$(CURDIR)/$(1)/target/$(1).zip"; }
endef
