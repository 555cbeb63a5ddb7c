using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Preference.Models.Generation.CpuFastPath.Kernels;

/// <summary>
/// An array on the pinned object heap with its address: the kernels work on raw pointers (so Parallel.For bodies
/// can share them) and a pinned array never moves, so the address stays valid as long as this object lives.
/// </summary>
internal sealed unsafe class PinnedBuffer<T> where T : unmanaged
{
    readonly T[] _array;

    public PinnedBuffer(long length)
    {
        if (length > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(length), length, "a fused decode buffer this large does not fit one array; use the torch path");
        _array = GC.AllocateArray<T>((int)Math.Max(1, length), pinned: true);
        Pointer = (T*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_array));
    }

    public T* Pointer { get; }

    public int Length => _array.Length;
}
