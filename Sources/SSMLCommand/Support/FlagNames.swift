import SSMLCore

/// How this command line names the library's job settings, for its messages.
enum FlagNames {
    static let flags: [JobSetting: String] = [
        .input: "INPUT", .output: "-o", .rate: "--rate", .encoding: "--encoding", .format: "--format", .bitrate: "--bitrate",
        .frames: "--frames", .preset: "--preset", .loudness: "--loudness", .truePeak: "--true-peak", .voice: "--voice",
        .dialect: "--dialect", .voiceFallback: "--voice-fallback", .strict: "--strict", .allowEmpty: "--allow-empty",
        .force: "--force", .fetchTimeout: "--fetch-timeout", .fetchMaxSize: "--fetch-max-mb", .cache: "--no-cache",
        .timeline: "--timeline", .timelineSVG: "--timeline-svg", .audioMap: "--audio-map", .missingAudio: "--missing-audio",
    ]

    /// What a remedy setting does, said after the message.
    static let remedies: [JobSetting: String] = [
        .voiceFallback: "--voice-fallback keeps the surrounding voice",
        .strict: "--strict",
        .allowEmpty: "--allow-empty renders it anyway",
        .force: "--force replaces it",
        .missingAudio: "--missing-audio silence or tone plays a placeholder",
    ]

    /// The error as this command line says it: `file:line:col: error: --rate: 12345 Hz is not supported (…)`.
    static func describe(_ error: SSMLError) -> String {
        var message = error.message
        if let setting = error.setting {
            if let remedy = remedies[setting] {
                message += " (\(remedy))"
            } else if let flag = flags[setting] {
                message = "\(flag): \(message)"
            }
        }
        var described = error
        described.message = message
        return described.description
    }
}
