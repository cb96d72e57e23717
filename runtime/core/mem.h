/* Memory objects: buffers and sub-buffers.
 *
 * The device shares the process's address space, so a buffer's storage is
 * ordinary host memory that kernels and the host both reach through one
 * pointer: hx_mem_ptr(). Storage is
 *   - host_ptr itself for CL_MEM_USE_HOST_PTR (no copy, maps return it),
 *   - otherwise a private allocation aligned to CL_DEVICE_MEM_BASE_ADDR_ALIGN
 *     (filled from host_ptr for CL_MEM_COPY_HOST_PTR),
 *   - for a sub-buffer, the parent's storage + origin.
 *
 * Internal references: mem -> context, sub-buffer -> parent buffer. A
 * queued command holds one reference on each mem object it uses, so the
 * destructor callbacks run only when no command can touch the memory.
 *
 * Locking: mem->lock protects the destructor list and the mapping list;
 * it is a leaf lock (nothing else is taken while it is held).
 */
#ifndef HMMCL_CORE_MEM_H
#define HMMCL_CORE_MEM_H

#include "object.h"

#include <pthread.h>

/* Every flag clCreateBuffer accepts. */
#define HX_MEM_ACCESS_FLAGS                                                    \
	(CL_MEM_READ_WRITE | CL_MEM_WRITE_ONLY | CL_MEM_READ_ONLY)
#define HX_MEM_HOST_PTR_FLAGS                                                  \
	(CL_MEM_USE_HOST_PTR | CL_MEM_ALLOC_HOST_PTR | CL_MEM_COPY_HOST_PTR)
#define HX_MEM_HOST_ACCESS_FLAGS                                               \
	(CL_MEM_HOST_WRITE_ONLY | CL_MEM_HOST_READ_ONLY | CL_MEM_HOST_NO_ACCESS)
#define HX_MEM_BUFFER_FLAGS                                                    \
	(HX_MEM_ACCESS_FLAGS | HX_MEM_HOST_PTR_FLAGS | HX_MEM_HOST_ACCESS_FLAGS)

/* Byte alignment of every buffer's storage (CL_DEVICE_MEM_BASE_ADDR_ALIGN). */
#define HX_MEM_ALIGN (HX_MEM_BASE_ADDR_ALIGN_BITS / 8)

struct hx_mem_destructor {
	void(CL_CALLBACK *fn)(cl_mem mem, void *user_data);
	void *user_data;
	struct hx_mem_destructor *next;
};

/* One pointer handed out by clEnqueueMapBuffer, until it is unmapped. */
struct hx_mapping {
	void *ptr;
	size_t offset, size;
	cl_map_flags flags;
	struct hx_mapping *next;
};

struct _cl_mem {
	hx_object obj;
	cl_context ctx;
	cl_mem_object_type type; /* CL_MEM_OBJECT_BUFFER */
	cl_mem_flags flags;	 /* as given, plus what a sub-buffer inherits */
	size_t size;
	void *host_ptr;		  /* CL_MEM_HOST_PTR: USE_HOST_PTR only */
	void *data;		  /* first byte of the storage */
	void *alloc;		  /* owned storage to free, or NULL */
	cl_mem parent;		  /* sub-buffers: the buffer, else NULL */
	size_t offset;		  /* sub-buffers: origin in parent */
	cl_bool uses_svm;	  /* CL_MEM_USES_SVM_POINTER */
	cl_mem_properties *props; /* as given incl. the 0, or NULL */
	size_t nprops;
	pthread_mutex_t lock;
	struct hx_mem_destructor *destructors; /* lock; newest first */
	struct hx_mapping *maps;	       /* lock */
	cl_uint map_count;		       /* lock */
};

/* Creates a buffer; flags and host_ptr already validated by the caller. */
cl_int hx_buffer_create(cl_context ctx, cl_mem_flags flags, size_t size,
			void *host_ptr, const cl_mem_properties *props,
			size_t nprops, cl_mem *out);
/* Creates a sub-buffer of parent over [origin, origin + size); flags are
 * those given (validated), the inherited ones are added here. */
cl_int hx_sub_buffer_create(cl_mem parent, cl_mem_flags flags, size_t origin,
			    size_t size, cl_mem *out);

/* Device-visible address of the first byte (kernel buffer arguments). */
void *hx_mem_ptr(cl_mem m);
/* The buffer a sub-buffer belongs to (m itself for a buffer) and m's
 * offset within it. */
cl_mem hx_mem_root(cl_mem m);
size_t hx_mem_root_offset(cl_mem m);

cl_int hx_mem_add_destructor(cl_mem m, void(CL_CALLBACK *fn)(cl_mem, void *),
			     void *user_data);

/* Records a mapping of [offset, offset + size) and returns its pointer. */
cl_int hx_mem_map(cl_mem m, size_t offset, size_t size, cl_map_flags flags,
		  void **ptr_out);
/* Forgets one mapping with this pointer; CL_INVALID_VALUE if none. */
cl_int hx_mem_unmap(cl_mem m, void *ptr);
cl_uint hx_mem_map_count(cl_mem m);

/* Host access rules of clEnqueueRead/Write/Map*: CL_INVALID_OPERATION when
 * the buffer's CL_MEM_HOST_* flags forbid a host read or write. */
int hx_mem_host_can_read(cl_mem m);
int hx_mem_host_can_write(cl_mem m);

/* A rectangle in a linear byte range: origin and region in bytes/rows/
 * slices, pitches already defaulted. */
struct hx_rect {
	size_t origin[3];
	size_t row_pitch, slice_pitch;
};

/* Applies the pitch defaults and rules of the *Rect calls to r (0 means
 * "computed from region") and checks the region lies within size bytes
 * (size 0: no bound, host memory). Returns CL_INVALID_VALUE on a rule. */
cl_int hx_rect_resolve(struct hx_rect *r, const size_t region[3], size_t size);
size_t hx_rect_start(const struct hx_rect *r);
/* True when two rectangles of one linear space may share a byte. */
int hx_rect_overlap(const struct hx_rect *a, size_t a_base,
		    const struct hx_rect *b, size_t b_base,
		    const size_t region[3]);
/* Copies region from src (rectangle s) to dst (rectangle d). */
void hx_rect_copy(char *dst, const struct hx_rect *d, const char *src,
		  const struct hx_rect *s, const size_t region[3]);

/* Commands (runtime/core/mem_cmd.c). Each holds a reference on the mem
 * objects in keep[] (NULL entries skipped) until the event is destroyed,
 * and ends like hx_submit(). */
struct hx_enqueue_args {
	cl_command_queue q;
	cl_uint nwait;
	const cl_event *wait;
	cl_bool blocking;
	cl_event *event_out;
};

/* Copies region between two rectangles of host-visible memory. */
cl_int hx_enqueue_copy(const struct hx_enqueue_args *a, cl_command_type type,
		       char *dst, const struct hx_rect *d, const char *src,
		       const struct hx_rect *s, const size_t region[3],
		       cl_mem keep0, cl_mem keep1);
/* Fills size bytes at dst with pattern (copied now). */
cl_int hx_enqueue_fill(const struct hx_enqueue_args *a, cl_mem m, char *dst,
		       size_t size, const void *pattern, size_t psize);
/* A command that orders like the others and has nothing to move: the
 * memory is already where host and device reach it (map, unmap, migrate). */
cl_int hx_enqueue_mem_sync(const struct hx_enqueue_args *a,
			   cl_command_type type, cl_uint nmem,
			   const cl_mem *mems);

#endif
