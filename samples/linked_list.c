/* Linked structures shared between host and device, both ways.
 *
 * 1. The host builds a linked list and a binary search tree with malloc()
 *    and a kernel walks them: the sum of the list, lookups in the tree.
 *    Pointers stored inside malloc'ed nodes are plain host pointers, so
 *    this needs fine-grain system SVM (skipped, and said so, without it).
 * 2. The reverse: a kernel builds a list and a tree inside a fine-grain SVM
 *    buffer (clSVMAlloc), every work-item taking its nodes from an atomic
 *    bump index and linking them in with compare-and-swap; the host then
 *    walks what the kernel built, through the very same pointers.
 * Exit 0 when every result is right. */
#include "sample_util.h"

static const char *source =
    "typedef struct node {\n"
    "	long value;\n"
    "	global struct node *next;\n"
    "} node;\n"
    "typedef struct tnode {\n"
    "	int key, val;\n"
    "	global struct tnode *left, *right;\n"
    "} tnode;\n"
    "typedef struct pool {\n"
    "	int list_used, tree_used, cap, pad;\n"
    "	global node *head;\n"
    "	global tnode *root;\n"
    "} pool;\n"
    "\n"
    "kernel void list_sum(global const node *head, global long *out)\n"
    "{\n"
    "	long sum = 0, count = 0;\n"
    "	for (global const node *p = head; p; p = p->next) {\n"
    "		sum += p->value;\n"
    "		count++;\n"
    "	}\n"
    "	out[0] = sum;\n"
    "	out[1] = count;\n"
    "}\n"
    "\n"
    "kernel void tree_find(global const tnode *root, global const int *keys,\n"
    "		      global int *out)\n"
    "{\n"
    "	size_t i = get_global_id(0);\n"
    "	int k = keys[i];\n"
    "	global const tnode *t = root;\n"
    "	while (t && t->key != k)\n"
    "		t = k < t->key ? t->left : t->right;\n"
    "	out[i] = t ? t->val : -1;\n"
    "}\n"
    "\n"
    "#define A(p) ((volatile global atomic_int *)(p))\n"
    "#define AL(p) ((volatile global atomic_ulong *)(p))\n"
    "kernel void build(global pool *p, global node *nodes, global tnode *tn)\n"
    "{\n"
    "	int i = get_global_id(0);\n"
    "	int key = (int)(((uint)i * 2557u) % (uint)get_global_size(0));\n"
    "	int a = atomic_fetch_add_explicit(A(&p->list_used), 1,\n"
    "		memory_order_relaxed, memory_scope_device);\n"
    "	int b = atomic_fetch_add_explicit(A(&p->tree_used), 1,\n"
    "		memory_order_relaxed, memory_scope_device);\n"
    "	if (a >= p->cap || b >= p->cap)\n"
    "		return;\n"
    "	/* Push a list node at the head. */\n"
    "	global node *nd = &nodes[a];\n"
    "	nd->value = 3L * i + 1;\n"
    "	ulong old = atomic_load_explicit(AL(&p->head),\n"
    "		memory_order_relaxed, memory_scope_device);\n"
    "	do\n"
    "		nd->next = (global node *)old;\n"
    "	while (!atomic_compare_exchange_weak_explicit(AL(&p->head), &old,\n"
    "		(ulong)nd, memory_order_release, memory_order_relaxed,\n"
    "		memory_scope_device));\n"
    "	/* Insert a tree node: CAS into the first empty link on the way. */\n"
    "	global tnode *t = &tn[b];\n"
    "	t->key = key;\n"
    "	t->val = key * 7 + 5;\n"
    "	t->left = t->right = 0;\n"
    "	global ulong *link = (global ulong *)&p->root;\n"
    "	for (;;) {\n"
    "		ulong seen = 0;\n"
    "		if (atomic_compare_exchange_strong_explicit(AL(link), &seen,\n"
    "			(ulong)t, memory_order_acq_rel, memory_order_acquire,\n"
    "			memory_scope_device))\n"
    "			break;\n"
    "		global tnode *cur = (global tnode *)seen;\n"
    "		link = (global ulong *)(key < cur->key ? &cur->left\n"
    "						       : &cur->right);\n"
    "	}\n"
    "}\n";

/* The host's view of the same structures (same layout on both sides). */
struct node {
	cl_long value;
	struct node *next;
};

struct tnode {
	cl_int key, val;
	struct tnode *left, *right;
};

struct pool {
	cl_int list_used, tree_used, cap, pad;
	struct node *head;
	struct tnode *root;
};

struct env {
	cl_platform_id platform;
	cl_device_id dev;
	cl_context ctx;
	cl_command_queue q;
	cl_program prog;
};

static void run(struct env *e, cl_kernel k, size_t n)
{
	CHECK(
	    clEnqueueNDRangeKernel(e->q, k, 1, NULL, &n, NULL, 0, NULL, NULL));
	CHECK(clFinish(e->q));
}

static struct tnode *tree_insert(struct tnode *root, struct tnode *t)
{
	struct tnode **link = &root;

	while (*link)
		link = t->key < (*link)->key ? &(*link)->left : &(*link)->right;
	*link = t;
	return root;
}

static void free_tree(struct tnode *t)
{
	if (!t)
		return;
	free_tree(t->left);
	free_tree(t->right);
	free(t);
}

/* Part 1: malloc'ed list and tree, walked by kernels. Returns wrong
 * results. */
static size_t host_built(struct env *e, size_t n)
{
	struct node *head = NULL, *nd;
	struct tnode *root = NULL, *t;
	size_t i, bad = 0, found = 0, nkeys = 2 * n;
	cl_long out[2] = {0, 0}, want = 0;
	int *keys = malloc(nkeys * sizeof(int));
	int *res = malloc(nkeys * sizeof(int));
	cl_kernel ks, kf;
	cl_int err;
	double t0, t_list, t_tree;

	for (i = 0; i < n; i++) {
		nd = malloc(sizeof(*nd));
		t = calloc(1, sizeof(*t));
		if (!nd || !t || !keys || !res) {
			fprintf(stderr, "malloc failed\n");
			exit(1);
		}
		nd->value = (cl_long)i * i % 1000003;
		nd->next = head;
		head = nd;
		want += nd->value;
		/* Even keys 0 .. 2n-2 in a scrambled order: a bushy tree. */
		t->key = (cl_int)(2 * ((i * 7919) % n));
		t->val = t->key * 3 + 1;
		root = tree_insert(root, t);
	}
	for (i = 0; i < nkeys; i++)
		keys[i] = (int)i; /* the odd ones are absent */

	ks = clCreateKernel(e->prog, "list_sum", &err);
	CHECK_RET(err);
	kf = clCreateKernel(e->prog, "tree_find", &err);
	CHECK_RET(err);
	CHECK(clSetKernelArgSVMPointer(ks, 0, head));
	CHECK(clSetKernelArgSVMPointer(ks, 1, out));
	t0 = sample_now_ms();
	run(e, ks, 1);
	t_list = sample_now_ms() - t0;
	CHECK(clSetKernelArgSVMPointer(kf, 0, root));
	CHECK(clSetKernelArgSVMPointer(kf, 1, keys));
	CHECK(clSetKernelArgSVMPointer(kf, 2, res));
	t0 = sample_now_ms();
	run(e, kf, nkeys);
	t_tree = sample_now_ms() - t0;

	bad += out[0] != want || out[1] != (cl_long)n;
	for (i = 0; i < nkeys; i++) {
		int w = i % 2 ? -1 : (int)i * 3 + 1;

		bad += res[i] != w;
		found += res[i] != -1;
	}
	printf("  host-built, kernel-walked: list of %zu malloc'ed nodes, "
	       "sum %lld (want %lld) in %.2f ms\n",
	       n, (long long)out[0], (long long)want, t_list);
	printf("  %zu tree lookups: %zu found, %zu absent, in %.2f ms\n", nkeys,
	       found, nkeys - found, t_tree);

	CHECK(clReleaseKernel(ks));
	CHECK(clReleaseKernel(kf));
	while (head) {
		nd = head->next;
		free(head);
		head = nd;
	}
	free_tree(root);
	free(keys);
	free(res);
	return bad;
}

/* In-order walk without recursion; counts nodes out of order or with a
 * wrong value, sets *count. */
static size_t check_tree(const struct tnode *root, size_t n, size_t *count)
{
	const struct tnode **stack = malloc(n * sizeof(*stack));
	const struct tnode *t = root;
	size_t sp = 0, bad = 0;
	long prev = -1;

	*count = 0;
	while ((t || sp) && stack) {
		for (; t; t = t->left) {
			if (sp == n) { /* deeper than n: a cycle */
				free(stack);
				return bad + 1;
			}
			stack[sp++] = t;
		}
		t = stack[--sp];
		bad += t->key <= prev || t->val != t->key * 7 + 5;
		prev = t->key;
		(*count)++;
		t = t->right;
	}
	free(stack);
	return bad;
}

/* Levels of a tree of at most n nodes (breadth first). */
static size_t tree_height(const struct tnode *root, size_t n)
{
	const struct tnode **q = malloc(n * sizeof(*q));
	size_t head = 0, tail = 0, level_end, height = 0;

	if (!q || !root) {
		free(q);
		return 0;
	}
	q[tail++] = root;
	while (head < tail) {
		level_end = tail;
		height++;
		for (; head < level_end; head++) {
			if (q[head]->left && tail < n)
				q[tail++] = q[head]->left;
			if (q[head]->right && tail < n)
				q[tail++] = q[head]->right;
		}
	}
	free(q);
	return height;
}

/* Part 2: a kernel builds in fine-grain SVM, the host walks. */
static size_t device_built(struct env *e, size_t n)
{
	size_t bytes = sizeof(struct pool) + n * sizeof(struct node) +
		       n * sizeof(struct tnode);
	struct pool *p =
	    clSVMAlloc(e->ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER, bytes, 0);
	struct node *nodes = (struct node *)(p + 1);
	struct tnode *tn = (struct tnode *)(nodes + n);
	size_t bad = 0, count = 0, i;
	cl_long sum = 0, want = 0;
	const struct node *nd;
	cl_kernel kb;
	cl_int err;
	double t0, t_build;

	if (!p) {
		fprintf(stderr, "clSVMAlloc failed\n");
		exit(1);
	}
	memset(p, 0, sizeof(*p));
	p->cap = (cl_int)n;
	kb = clCreateKernel(e->prog, "build", &err);
	CHECK_RET(err);
	CHECK(clSetKernelArgSVMPointer(kb, 0, p));
	CHECK(clSetKernelArgSVMPointer(kb, 1, nodes));
	CHECK(clSetKernelArgSVMPointer(kb, 2, tn));
	t0 = sample_now_ms();
	run(e, kb, n);
	t_build = sample_now_ms() - t0;

	/* The host follows the kernel's pointers as they are. */
	for (nd = p->head; nd && count <= n; nd = nd->next) {
		bad += nd < nodes || nd >= nodes + n;
		sum += nd->value;
		count++;
	}
	for (i = 0; i < n; i++)
		want += 3 * (cl_long)i + 1;
	bad += count != n || sum != want;
	printf("  kernel-built, host-walked: %d list nodes and %d tree nodes "
	       "from the bump index in %.2f ms\n",
	       p->list_used, p->tree_used, t_build);
	printf("  list: %zu nodes, sum %lld (want %lld)\n", count,
	       (long long)sum, (long long)want);
	bad += check_tree(p->root, n, &count);
	bad += count != n;
	printf("  tree: %zu nodes in order, height %zu (built concurrently, "
	       "so the shape changes from run to run)\n",
	       count, tree_height(p->root, n));
	CHECK(clReleaseKernel(kb));
	clSVMFree(e->ctx, p);
	return bad;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 0) : 20000, bad = 0;
	struct env e;
	cl_device_svm_capabilities caps;
	cl_svm_statistics_hmm stats;
	cl_int err;

	e.platform = sample_platform();
	CHECK(clGetDeviceIDs(e.platform, CL_DEVICE_TYPE_ALL, 1, &e.dev, NULL));
	caps = sample_svm_caps(e.dev);
	if (!(caps & CL_DEVICE_SVM_FINE_GRAIN_BUFFER)) {
		printf("linked_list: skipped: no fine-grain buffer SVM\n");
		return SAMPLE_SKIP;
	}
	e.ctx = clCreateContext(NULL, 1, &e.dev, NULL, NULL, &err);
	CHECK_RET(err);
	e.q = clCreateCommandQueueWithProperties(e.ctx, e.dev, NULL, &err);
	CHECK_RET(err);
	/* OpenCL C 3.0 for the 64-bit atomics on the links. */
	e.prog = sample_build(e.ctx, 1, &e.dev, source, "-cl-std=CL3.0");

	printf("linked_list: %zu nodes each way\n", n);
	if (caps & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM)
		bad += host_built(&e, n);
	else
		printf("  host-built part skipped: the device does not report "
		       "CL_DEVICE_SVM_FINE_GRAIN_SYSTEM, so kernels may not "
		       "follow malloc() pointers\n");
	bad += device_built(&e, n);
	/* Nothing migrated: kernels ran the direct variant, every node was
	 * reached in place, so the counters stay at 0. */
	stats = sample_stats(sample_stats_fn(e.platform), e.dev);
	sample_print_stats("statistics:", &stats);
	printf("linked_list: %zu wrong\n", bad);

	CHECK(clReleaseProgram(e.prog));
	CHECK(clReleaseCommandQueue(e.q));
	CHECK(clReleaseContext(e.ctx));
	return bad != 0;
}
