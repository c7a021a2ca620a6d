using System.Text.Json;

namespace Vigil.Monitoring.Storage;

/// <summary>One finished epoch: its full figures as JSON (an <c>epoch_completed</c> event, confusion matrix included).</summary>
/// <param name="RunId">The run.</param>
/// <param name="Epoch">The epoch, counted from 1.</param>
/// <param name="Time">When it ended.</param>
/// <param name="Data">The epoch's JSON object (snake_case fields of <see cref="Vigil.Core.Runs.EpochCompleted"/>, or what an external trainer sent).</param>
public sealed record EpochRecord(string RunId, int Epoch, DateTimeOffset Time, JsonElement Data);
