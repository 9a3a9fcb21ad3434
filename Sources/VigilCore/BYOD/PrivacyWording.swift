import Foundation

/// The sentences of a ``PrivacyNotice``, written once for the HTML page, the JSON and the agent.
enum PrivacyWording {
    static func summary(of ownership: Ownership) -> String {
        switch ownership {
        case .byod:
            "This is your own device, enrolled in the hospital's bring-your-own-device program. The hospital "
                + "manages only its own apps and their data on it."
        case .patientOwned:
            "This is your own device, enrolled to take part in your care. The hospital manages only its own "
                + "apps and their data on it."
        case .corporate: "This device belongs to the hospital, which issued it to you."
        case .shared: "This device belongs to the hospital and is shared by the staff on shift."
        case .patientIssued: "This device belongs to the hospital, which lent it to you for your care."
        }
    }

    /// A level in words: whether the field is kept, and who sees it.
    static func detail(of level: CollectionLevel) -> String {
        let readers = Permission.readDevices.grantedRoles
        switch level {
        case .collect:
            return "Collected; seen by \(names(of: level.seenBy)), and by you."
        case .hidden:
            return "Collected but hidden from \(names(of: readers.subtracting(level.seenBy))): seen only by "
                + "\(names(of: level.seenBy)) (for incident response), and by you."
        case .never:
            return "Never collected: if the device sends it, the server drops it on arrival, before it is stored or logged."
        }
    }

    /// What a requirement is called on a privacy page.
    static func title(of requirement: RequirementKind) -> String {
        switch requirement {
        case .minimumOSVersion: "Operating system version"
        case .maximumPatchAgeDays: "Security patch"
        case .passcodeRequired: "Passcode"
        case .minimumPasscodeLength: "Passcode length"
        case .storageEncryptionRequired: "Storage encryption"
        case .jailbreakForbidden: "Jailbreak or root"
        case .maximumScreenLockSeconds: "Screen lock"
        case .minimumAgentVersion: "Vigil agent version"
        case .approvedModels: "Approved models"
        case .maximumDaysSinceCheckIn: "Regular check-ins"
        }
    }

    /// Roles in words, in role order: "administrators, security officers and auditors".
    static func names(of roles: Set<Role>) -> String {
        let names = roles.sorted().map { role in
            switch role {
            case .admin: "administrators"
            case .securityOfficer: "security officers"
            case .auditor: "auditors"
            case .nurseManager: "nurse managers"
            case .clinician: "clinicians"
            case .patient: "patients"
            }
        }
        guard let last = names.last else { return "nobody" }
        return names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " and " + last
    }

    static let alwaysCollected: [PrivacyNotice.Item] = [
        .init("model", "The device's model and platform"),
        .init("osVersion", "Its operating system version"),
        .init("securityPatchDate", "The date of its latest security patch"),
        .init("passcode", "Whether a passcode is set, and its length in bands (never the passcode itself)"),
        .init("storageEncrypted", "Whether its storage is encrypted"),
        .init("jailbroken", "Whether it is jailbroken or rooted"),
        .init("screenLockTimeoutSeconds", "How soon its screen locks when left alone"),
        .init("agentVersion", "The version of the Vigil agent"),
        .init("batteryPercent", "Its battery level"),
        .init("managedApps", "The hospital's managed apps installed on it, and their versions"),
        .init("lastCheckIn", "When it last checked in"),
        .init(
            "place",
            "Whether it is inside a facility (or at a home visit's place) or outside, worked out from each location "
                + "report when it arrives; on a personal device the coordinates are then discarded, never stored"),
    ]

    static let neverCollected: [PrivacyNotice.Item] = [
        .init("messages", "Your messages"),
        .init("email", "Your email"),
        .init("photos", "Your photos and videos"),
        .init("browsingHistory", "Your browsing history"),
        .init("callHistory", "Your call history"),
        .init("personalAppContents", "What is inside the apps you installed yourself"),
    ]
}
