using System.Reflection;

namespace Vigil.Core;

/// <summary>Facts about this build of Vigil.</summary>
public static class VigilInfo
{
    /// <summary>The product version (from the assembly's informational version, without build metadata).</summary>
    public static string Version { get; } =
        (typeof(VigilInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0")
        .Split('+')[0];
}
