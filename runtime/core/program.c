#include "program.h"

#include "compiler/compiler.h"
#include "context.h"
#include "debug.h"

#include <CL/cl.h>
#include <stdlib.h>
#include <string.h>

static void program_destroy(hx_object *obj)
{
	cl_program p = (cl_program)obj;
	struct hx_program_release_cb *cb, *next;

	for (cb = p->release_cbs; cb; cb = next) {
		next = cb->next;
		cb->fn(p, cb->user_data);
		free(cb);
	}
	if (p->cprog)
		hx_compiler_release(p->cprog);
	free(p->source);
	free(p->devices);
	free(p->status);
	free(p->log);
	free(p->options);
	pthread_mutex_destroy(&p->lock);
	hx_release(p->ctx);
}

cl_int hx_program_create(cl_context ctx, cl_uint ndev, const cl_device_id *devs,
			 cl_program *out)
{
	cl_program p = calloc(1, sizeof(*p));
	cl_uint i;

	if (!p)
		return CL_OUT_OF_HOST_MEMORY;
	if (!devs) {
		ndev = ctx->ndevices;
		devs = ctx->devices;
	}
	p->devices = malloc(ndev * sizeof(*devs));
	p->status = malloc(ndev * sizeof(*p->status));
	if (!p->devices || !p->status) {
		free(p->devices);
		free(p->status);
		free(p);
		return CL_OUT_OF_HOST_MEMORY;
	}
	hx_object_init(&p->obj, HX_TYPE_PROGRAM, program_destroy);
	p->ctx = ctx;
	hx_retain(ctx);
	p->ndevices = ndev;
	memcpy(p->devices, devs, ndev * sizeof(*devs));
	for (i = 0; i < ndev; i++)
		p->status[i] = CL_BUILD_NONE;
	pthread_mutex_init(&p->lock, NULL);
	*out = p;
	return CL_SUCCESS;
}

int hx_program_device_index(cl_program p, cl_device_id dev)
{
	cl_uint i;

	for (i = 0; i < p->ndevices; i++)
		if (p->devices[i] == dev)
			return (int)i;
	return -1;
}

/* Marks the build as running; fails when it may not start. */
static cl_int begin_build(cl_program p, cl_uint ndev, const cl_device_id *devs)
{
	cl_int err = CL_SUCCESS;
	cl_uint i;
	int idx;

	pthread_mutex_lock(&p->lock);
	/* Not while kernels are attached or another build runs. */
	if (p->nkernels || p->building) {
		err = CL_INVALID_OPERATION;
	} else {
		p->building = 1;
		/* Queries from other threads see the build running. */
		for (i = 0; i < (devs ? ndev : p->ndevices); i++) {
			idx = devs ? hx_program_device_index(p, devs[i])
				   : (int)i;
			p->status[idx] = CL_BUILD_IN_PROGRESS;
		}
	}
	pthread_mutex_unlock(&p->lock);
	return err;
}

/* Whether options contain the whole option opt. */
static int has_option(const char *options, const char *opt)
{
	size_t n = strlen(opt);
	const char *s = options;

	while (s && (s = strstr(s, opt))) {
		if ((s == options || s[-1] == ' ' || s[-1] == '\t') &&
		    (s[n] == '\0' || s[n] == ' ' || s[n] == '\t'))
			return 1;
		s += n;
	}
	return 0;
}

/* Non-uniform work-groups need -cl-std=CL2.0 or CL3.0 for a source
 * program, and no -cl-uniform-work-group-size for any program. */
static int needs_uniform_wg(cl_program p, const char *options)
{
	if (has_option(options, "-cl-uniform-work-group-size"))
		return 1;
	return p->source && !has_option(options, "-cl-std=CL2.0") &&
	       !has_option(options, "-cl-std=CL3.0");
}

/* Whether some device has a successful build; p->lock held. */
static int any_built(cl_program p)
{
	cl_uint i;

	for (i = 0; i < p->ndevices; i++)
		if (p->status[i] == CL_BUILD_SUCCESS)
			return 1;
	return 0;
}

/* Installs a build's result for the listed devices. */
static void end_build(cl_program p, cl_uint ndev, const cl_device_id *devs,
		      const char *options, hx_cprog *cprog, char *log,
		      cl_int err)
{
	cl_uint i;
	int idx;

	pthread_mutex_lock(&p->lock);
	free(p->log);
	p->log = log ? log : strdup("");
	free(p->options);
	p->options = strdup(options ? options : "");
	/* A link's result is set by hx_program_link from its inputs. */
	if (!err && (p->source || !p->uniform_wg))
		p->uniform_wg = needs_uniform_wg(p, options);
	for (i = 0; i < (devs ? ndev : p->ndevices); i++) {
		idx = devs ? hx_program_device_index(p, devs[i]) : (int)i;
		p->status[idx] = err ? CL_BUILD_ERROR : CL_BUILD_SUCCESS;
	}
	/* A failed build of source leaves no executable (nor binary) of a
	 * previous build behind, unless another device still has it; a
	 * loaded binary stays. */
	if (cprog || (err && p->source && !any_built(p))) {
		if (p->cprog)
			hx_compiler_release(p->cprog);
		p->cprog = cprog;
	}
	p->building = 0;
	pthread_mutex_unlock(&p->lock);
}

cl_int hx_program_build(cl_program p, cl_uint ndev, const cl_device_id *devs,
			const char *options)
{
	hx_cprog *cprog = NULL;
	char *log = NULL;
	cl_int err;

	err = begin_build(p, ndev, devs);
	if (err)
		return err;
	if (p->source) {
		err = hx_compiler_build(p->source, options, &cprog, &log);
	} else {
		/* A binary: building makes an executable of an object. */
		pthread_mutex_lock(&p->lock);
		cprog = p->cprog;
		if (cprog)
			hx_compiler_retain(cprog);
		pthread_mutex_unlock(&p->lock);
		err = cprog ? CL_SUCCESS : CL_INVALID_BINARY;
		if (cprog && hx_compiler_binary_type(cprog) !=
				     CL_PROGRAM_BINARY_TYPE_EXECUTABLE) {
			hx_cprog *exe = NULL;

			err = hx_compiler_link(&cprog, 1, options, &exe, &log);
			hx_compiler_release(cprog);
			cprog = exe;
		}
	}
	HX_DEBUG(HX_DBG_COMPILER, "compiler", "build: %d", err);
	end_build(p, ndev, devs, options, err ? NULL : cprog, log, err);
	if (err && cprog)
		hx_compiler_release(cprog);
	return err;
}

cl_int hx_program_compile(cl_program p, cl_uint ndev, const cl_device_id *devs,
			  const char *options, const struct hx_cl_header *hdrs,
			  size_t nhdrs)
{
	hx_cprog *cprog = NULL;
	char *log = NULL;
	cl_int err;

	err = begin_build(p, ndev, devs);
	if (err)
		return err;
	err = hx_compiler_compile(p->source, options, hdrs, nhdrs, &cprog,
				  &log);
	if (err == CL_BUILD_PROGRAM_FAILURE)
		err = CL_COMPILE_PROGRAM_FAILURE;
	if (err == CL_INVALID_BUILD_OPTIONS)
		err = CL_INVALID_COMPILER_OPTIONS;
	end_build(p, ndev, devs, options, err ? NULL : cprog, log, err);
	if (err && cprog)
		hx_compiler_release(cprog);
	return err;
}

cl_int hx_program_link(cl_context ctx, cl_uint ndev, const cl_device_id *devs,
		       const char *options, cl_uint ninputs,
		       const cl_program *inputs, cl_program *out)
{
	hx_cprog **parts = calloc(ninputs, sizeof(*parts));
	hx_cprog *cprog = NULL;
	cl_program p = NULL;
	char *log = NULL;
	cl_int err;
	cl_uint i;

	if (!parts)
		return CL_OUT_OF_HOST_MEMORY;
	for (i = 0; i < ninputs; i++) {
		pthread_mutex_lock(&inputs[i]->lock);
		parts[i] = inputs[i]->cprog;
		if (parts[i])
			hx_compiler_retain(parts[i]);
		pthread_mutex_unlock(&inputs[i]->lock);
		if (!parts[i]) {
			err = CL_INVALID_PROGRAM;
			goto err_release_parts;
		}
	}
	err = hx_compiler_link(parts, ninputs, options, &cprog, &log);
	if (err == CL_BUILD_PROGRAM_FAILURE)
		err = CL_LINK_PROGRAM_FAILURE;
	if (err == CL_INVALID_BUILD_OPTIONS)
		err = CL_INVALID_LINKER_OPTIONS;
	if (err == CL_INVALID_LINKER_OPTIONS) {
		free(log);
		goto err_release_parts;
	}
	if (hx_program_create(ctx, ndev, devs, &p) != CL_SUCCESS) {
		free(log);
		err = CL_OUT_OF_HOST_MEMORY;
		goto err_release_parts;
	}
	/* A failed link still returns a program that holds the log. */
	p->building = 1;
	for (i = 0; i < ninputs; i++)
		p->uniform_wg |= hx_program_uniform_wg(inputs[i]);
	end_build(p, 0, NULL, options, err ? NULL : cprog, log, err);
	cprog = NULL;
	*out = p;
err_release_parts:
	if (cprog)
		hx_compiler_release(cprog);
	for (i = 0; i < ninputs; i++)
		if (parts[i])
			hx_compiler_release(parts[i]);
	free(parts);
	return err;
}

cl_int hx_program_executable(cl_program p, cl_device_id dev, hx_cprog **out)
{
	int idx = hx_program_device_index(p, dev);
	cl_int err = CL_INVALID_PROGRAM_EXECUTABLE;

	pthread_mutex_lock(&p->lock);
	if (idx >= 0 && p->status[idx] == CL_BUILD_SUCCESS && p->cprog &&
	    hx_compiler_binary_type(p->cprog) ==
		    CL_PROGRAM_BINARY_TYPE_EXECUTABLE) {
		hx_compiler_retain(p->cprog);
		*out = p->cprog;
		err = CL_SUCCESS;
	}
	pthread_mutex_unlock(&p->lock);
	return err;
}

cl_int hx_program_any_executable(cl_program p, hx_cprog **out)
{
	cl_uint i;

	for (i = 0; i < p->ndevices; i++)
		if (hx_program_executable(p, p->devices[i], out) == CL_SUCCESS)
			return CL_SUCCESS;
	return CL_INVALID_PROGRAM_EXECUTABLE;
}

void hx_program_kernel_attached(cl_program p, int delta)
{
	pthread_mutex_lock(&p->lock);
	p->nkernels += delta;
	pthread_mutex_unlock(&p->lock);
}

int hx_program_uniform_wg(cl_program p)
{
	int u;

	pthread_mutex_lock(&p->lock);
	u = p->uniform_wg;
	pthread_mutex_unlock(&p->lock);
	return u;
}
