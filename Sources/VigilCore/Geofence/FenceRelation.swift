/// Where a fix stands against one fence, given its accuracy and a safety margin.
public enum FenceRelation: Sendable, Hashable {
    /// The fix's whole accuracy circle lies in the fence's region.
    case within
    /// The fix is outside the region by more than its accuracy plus the margin.
    case clear
    /// Neither: the fix is too close to the boundary to tell.
    case ambiguous
}

/// Where a fix stands against all the fences of a ``FenceIndex``.
public enum FixClassification: Sendable, Hashable {
    /// The fix's accuracy circle lies within the fence at this index of the shapes given.
    case inside(Int)
    /// The fix is clear of every fence.
    case outside
    /// Neither: the fix is within no fence and too close to at least one to call it clear.
    case unknown
}
