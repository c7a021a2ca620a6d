namespace Vigil.Monitoring.Live;

/// <summary>The last <see cref="Capacity"/> items, oldest first; adding past capacity drops the oldest. Thread-safe.</summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class RollingBuffer<T>
{
    private readonly object _gate = new();
    private readonly T[] _items;
    private int _start, _count;

    /// <summary>Creates an empty buffer of <paramref name="capacity"/> items.</summary>
    public RollingBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _items = new T[capacity];
    }

    /// <summary>The most items kept.</summary>
    public int Capacity => _items.Length;

    /// <summary>Items held now.</summary>
    public int Count
    {
        get { lock (_gate) return _count; }
    }

    /// <summary>Adds an item, dropping the oldest when full.</summary>
    public void Add(T item)
    {
        lock (_gate)
        {
            int end = (_start + _count) % _items.Length;
            _items[end] = item;
            if (_count < _items.Length) _count++;
            else _start = (_start + 1) % _items.Length;
        }
    }

    /// <summary>A copy of the items, oldest first.</summary>
    public T[] Snapshot()
    {
        lock (_gate)
        {
            var copy = new T[_count];
            for (int i = 0; i < _count; i++) copy[i] = _items[(_start + i) % _items.Length];
            return copy;
        }
    }

    /// <summary>A copy of the items that satisfy <paramref name="predicate"/>, oldest first.</summary>
    public List<T> Where(Func<T, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        lock (_gate)
        {
            var result = new List<T>();
            for (int i = 0; i < _count; i++)
            {
                T item = _items[(_start + i) % _items.Length];
                if (predicate(item)) result.Add(item);
            }
            return result;
        }
    }

    /// <summary>The newest item, or false when empty.</summary>
    public bool TryGetLast(out T item)
    {
        lock (_gate)
        {
            if (_count == 0)
            {
                item = default!;
                return false;
            }
            item = _items[(_start + _count - 1) % _items.Length];
            return true;
        }
    }
}
