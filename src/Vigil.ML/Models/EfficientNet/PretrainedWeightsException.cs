using Vigil.Core;

namespace Vigil.ML.Models.EfficientNet;

/// <summary>A pretrained file does not fit the model (unknown naming, another variant's shapes); the message says how.</summary>
public sealed class PretrainedWeightsException : UserInputException
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public PretrainedWeightsException(string message, Exception? inner = null) : base(message, inner) { }
}
