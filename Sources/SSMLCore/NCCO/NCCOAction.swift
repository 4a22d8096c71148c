/// One validated action, with its JSON path and place.
public struct NCCOAction: Sendable, Equatable {
    public var path: String
    public var location: SourceLocation
    public var kind: Kind

    public enum Kind: Sendable, Equatable {
        case talk(Talk)
        case stream(Stream)
        case input(Input)
        case record(Record)
        case connect(Connect)
        case conversation(Conversation)
        case notify(Notify)
        case wait(Wait)
        case pay(Pay)
        case transfer(Transfer)
    }

    /// The action's options as written, for the timeline and notes (scalars as written, lists compact).
    public var options: [String: String]

    /// The action's name (`talk`, `connect`, …).
    public var name: String {
        switch kind {
        case .talk: "talk"
        case .stream: "stream"
        case .input: "input"
        case .record: "record"
        case .connect: "connect"
        case .conversation: "conversation"
        case .notify: "notify"
        case .wait: "wait"
        case .pay: "pay"
        case .transfer: "transfer"
        }
    }

    /// Text-to-speech.
    public struct Talk: Sendable, Equatable {
        /// The `text` value: plain text, or SSML when it starts with `<speak>`.
        public var text: JSONValue
        public var language: JSONValue?
        public var style: JSONValue?
        /// The deprecated `voiceName`.
        public var voiceName: JSONValue?
        public var premium: Bool
        /// 0 means forever.
        public var loop: Int
        public var loopValue: JSONValue?
        /// -1 (silent) ... 1; 0 is the normal level.
        public var level: Double
        public var bargeIn: Bool
        /// Options accepted and reported, with no effect on the audio.
        public var reported: [String: String]

        public var textString: String {
            if case .string(let text) = text.kind { return text }
            return ""
        }
    }

    /// A prerecorded file.
    public struct Stream: Sendable, Equatable {
        public var url: String
        /// The URL's place (inside the `streamUrl` array).
        public var urlValue: JSONValue
        public var loop: Int
        public var loopValue: JSONValue?
        public var level: Double
        public var bargeIn: Bool
    }

    /// Collecting keys or speech: on a local render, the caller says and presses nothing.
    public struct Input: Sendable, Equatable {
        public var dtmf: Bool
        public var speech: Bool
        /// `dtmf.timeOut`: seconds without a key before the input ends (Vonage default 3, at most 10).
        public var dtmfTimeOut: Double
        /// `speech.startTimeout`: seconds Vonage waits for the caller to start speaking (default 10, 1...60).
        public var speechStartTimeout: Double
        /// `dtmf.maxDigits` (default 4), `dtmf.submitOnHash` (default false).
        public var maxDigits: Int
        public var submitOnHash: Bool
        /// `speech` settings, when speech is collected.
        public var speechLanguage: String?
        public var endOnSilence: Double
        public var maxDuration: Double
        public var events: EventTarget?
        /// `mode: asynchronous`: each key is sent on its own.
        public var asynchronous: Bool

        /// How long a caller who does nothing waits before the call moves on: the input ends when every mode
        /// it listens for has given up.
        public var silentWait: Double {
            max(dtmf ? dtmfTimeOut : 0, speech ? speechStartTimeout : 0)
        }
    }

}

/// Where an action's events go: `eventUrl` (an array of one URL) and `eventMethod` (default POST).
public struct EventTarget: Sendable, Equatable {
    public var url: String
    public var method: String

    public init(url: String, method: String = "POST") {
        self.url = url
        self.method = method
    }
}

extension NCCOAction {
    /// Recording the call.
    public struct Record: Sendable, Equatable {
        /// mp3 (default), wav, ogg.
        public var format: String
        public var split: String?
        public var channels: Int?
        /// Seconds of silence that end the recording (3...10), if set.
        public var endOnSilence: Double?
        /// A key that ends the recording.
        public var endOnKey: String?
        /// Longest recording in seconds (3...7200, default 7200).
        public var timeOut: Double
        public var beepStart: Bool
        public var events: EventTarget?
    }

    /// One endpoint of `connect`.
    public enum Endpoint: Sendable, Equatable {
        case phone(number: String, dtmfAnswer: String?, onAnswer: String?)
        case app(user: String)
        /// A websocket: its URI, `audio/l16;rate=8000` or `16000`, and the headers sent with the connection.
        case websocket(uri: String, contentType: String, headers: JSONValue?)
        case sip(uri: String)
        case vbc(extension: String)
    }

    /// Connecting the call to another endpoint.
    public struct Connect: Sendable, Equatable {
        public var endpoint: Endpoint
        public var from: String?
        /// Seconds of ringing before giving up (default 60).
        public var timeout: Double
        /// Longest connected time in seconds (default 7200).
        public var limit: Double
        /// `synchronous`: the NCCO waits on the connected leg's outcome.
        public var synchronous: Bool
        public var ringbackTone: String?
        public var machineDetection: String?
        public var events: EventTarget?
    }

    /// Joining a named conversation (a conference).
    public struct Conversation: Sendable, Equatable {
        public var name: String
        public var musicOnHoldUrl: String?
        public var startOnEnter: Bool
        public var endOnExit: Bool
        public var record: Bool
        public var mute: Bool
        public var events: EventTarget?
    }

    /// Sending a payload to the application.
    public struct Notify: Sendable, Equatable {
        public var payload: JSONValue
        public var events: EventTarget
    }

    /// Pausing the NCCO.
    public struct Wait: Sendable, Equatable {
        /// Seconds (0.1...7200, default 10).
        public var timeout: Double
    }

    /// Moving the call's leg into another, existing conversation.
    public struct Transfer: Sendable, Equatable {
        /// The conversation the leg moves into (`CON-…`).
        public var conversationID: String
        public var canHear: [String]?
        public var canSpeak: [String]?
        public var mute: Bool
    }

    /// Collecting a payment by keypad.
    public struct Pay: Sendable, Equatable {
        public var amount: Double
        public var currency: String?
        public var events: EventTarget?
    }
}
