namespace Vigil.Monitoring.Live;

/// <summary>A message as every client receives it: serialised once, shared by all.</summary>
/// <param name="Sequence">Its place in the hub's sequence (the <c>seq</c> field).</param>
/// <param name="Type">The <c>type</c> field, e.g. <c>metrics_update</c>.</param>
/// <param name="Utf8Json">The whole JSON object, UTF-8.</param>
public sealed record HubMessage(long Sequence, string Type, ReadOnlyMemory<byte> Utf8Json)
{
    /// <summary>Whether a newer message of the same type makes this one worthless (latest wins).</summary>
    public bool Coalesces => MessageHub.CoalescingTypes.Contains(Type);
}
