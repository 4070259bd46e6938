# Placeholder until vm/ lands: owned by the vm/ pipeline work.
.PHONY: vm-smoke matrix kernels bench
vm-smoke:
	@echo "vm-smoke: vm/ runner not built yet"
