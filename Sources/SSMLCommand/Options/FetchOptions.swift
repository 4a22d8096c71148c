import ArgumentParser
import Foundation
import SSMLCore
import SSMLEngine

extension MissingAudio: ChoiceArgument {}

/// How remote audio (`<audio src="https://…">`, NCCO `streamUrl`) is downloaded: shared by `render` and `ncco`.
struct FetchOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Seconds a download of remote audio may take in all; a server silent for a third of this (at most 10 s) is given up earlier.", valueName: "seconds"))
    var fetchTimeout: Double = 30

    @Option(help: ArgumentHelp("Largest remote audio file accepted, in megabytes.", valueName: "MB"))
    var fetchMaxMb: Int = 50

    @Flag(help: "Download remote audio every time; neither read nor write the cache ($SSML_CACHE_DIR, $XDG_CACHE_HOME/swift-ssml or ~/.cache/swift-ssml).")
    var noCache = false

    @Option(help: ArgumentHelp("Read sources that start with PREFIX from the local folder DIR instead of downloading them (repeatable), e.g. https://static.seven.io/=Assets/seven.", valueName: "PREFIX=DIR"))
    var audioMap: [String] = []

    @Option(help: "A clip that cannot be played: error (its fallback text, else fail), silence or tone (a placeholder of its clipEnd length, else 1 s).")
    var missingAudio: MissingAudio = .error

    /// The audio-source settings of a job; a bad mapping names --audio-map.
    func audioSources() throws -> AudioSources {
        AudioSources(map: try audioMap.map { try AudioMapping(parsing: $0) }, missing: missingAudio)
    }

    /// The fetcher for these options; usage errors name the option.
    func fetcher() throws -> HTTPFetcher {
        guard fetchTimeout.isFinite, fetchTimeout > 0, fetchTimeout <= 3600 else {
            throw SSMLError(.usage, "--fetch-timeout \(fetchTimeout) must be more than 0 and at most 3600 seconds")
        }
        guard (1...4096).contains(fetchMaxMb) else {
            throw SSMLError(.usage, "--fetch-max-mb \(fetchMaxMb) must be from 1 to 4096")
        }
        var settings = FetchSettings(cacheDirectory: noCache ? nil : FetchSettings.defaultCacheDirectory(environment: ProcessInfo.processInfo.environment))
        settings.deadline = fetchTimeout
        settings.idleTimeout = min(10, max(1, fetchTimeout / 3))
        settings.maxBytes = fetchMaxMb * 1024 * 1024
        settings.deadlineSetting = "--fetch-timeout"
        settings.maxBytesSetting = "--fetch-max-mb"
        settings.cacheSetting = "--no-cache"
        return HTTPFetcher(settings: settings)
    }
}
