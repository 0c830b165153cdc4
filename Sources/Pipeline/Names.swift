import CEmitter
import FineTuning
import GraphIR
import ModelImport
import Quantization
import QuantizedIR
import Targets

// The types a command names: its options, the values it passes from one stage to the next, and
// the boards. They are defined by the stages; naming them here keeps the command line's only
// dependency this library, so a stage can change its insides without touching a command.

public typealias Scheme = Quantization.Scheme
public typealias StepMethod = Quantization.StepMethod
public typealias FullyConnectedRounding = Quantization.FullyConnectedRounding
public typealias DigitRounding = Quantization.DigitRounding
public typealias SearchObjective = Quantization.SearchObjective
public typealias BitPlaneGrouping = QuantizedIR.BitPlaneGrouping
public typealias CodebookFormChoice = Quantization.CodebookFormChoice
public typealias SampleSet = Quantization.SampleSet
public typealias QuantizationPlan = Quantization.QuantizationPlan
public typealias QuantizationReport = Quantization.QuantizationReport
public typealias Board = Targets.Board
public typealias FineTuningOptions = FineTuning.FineTuningOptions
public typealias Augmentation = FineTuning.Augmentation
public typealias FineTuningRecord = Quantization.FineTuningRecord

extension Pipeline {
    /// An integer program and what the emitter and the verification need beside it.
    public typealias Lowered = Lowering.Result

    /// The element types of raw sample files (`--data-type`).
    public static let rawDataTypes = DataReader.rawTypes

    /// The ranges the command line checks its options against.
    public enum Limits {
        public static let maxClusters = CodebookWeights.maxClusters
        public static let defaultAlphaBits = BitPlaneQuantizer.defaultAlphaBits
        public static let defaultCentroidBits = CodebookQuantizer.defaultCentroidBits
    }
}

extension Pipeline {
    /// The kernel variants a bundle may use.
    public typealias Features = CoreFeatures
}
