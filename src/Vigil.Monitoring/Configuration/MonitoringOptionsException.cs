using Vigil.Core;

namespace Vigil.Monitoring.Configuration;

/// <summary>The monitoring configuration is not usable; the message names each variable, its value and what is allowed.</summary>
public sealed class MonitoringOptionsException : UserInputException
{
    /// <summary>Creates the exception from one or more problems.</summary>
    public MonitoringOptionsException(IReadOnlyList<string> problems)
        : base("invalid monitoring configuration: " + string.Join("; ", problems))
    {
        Problems = problems;
    }

    /// <summary>Each problem, one sentence each.</summary>
    public IReadOnlyList<string> Problems { get; }
}
