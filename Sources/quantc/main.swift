import ArgumentParser
import Foundation
import Pipeline

/// Parses and runs; maps every failure to the documented exit codes (2: bad input or usage, 1:
/// verification failed) with a one-line message on stderr.
func runQuantc() -> Never {
    let arguments = Quantc.normalizedArguments(Array(CommandLine.arguments.dropFirst()))
    InputFiles.note(arguments: arguments)
    do {
        var command = try Quantc.parseAsRoot(arguments)
        try command.run()
        exit(0)
    } catch let error as UserError {
        printErrorLine(error.message)
        exit(error.exitCode)
    } catch {
        let code = Quantc.exitCode(for: error)
        if code == .success {
            print(Quantc.fullMessage(for: error))
            exit(0)
        }
        if let failure = Pipeline.describe(error) {
            printErrorLine(failure.message, aboutPlan: failure.aboutFormats)
            exit(failure.verificationFailed ? 1 : 2)
        }
        FileHandle.standardError.write(Data((Quantc.fullMessage(for: error) + "\n").utf8))
        exit(code == .validationFailure ? 2 : code.rawValue)
    }
}

runQuantc()
