// Trainers seed and read torch's random generator, which is one per process: tests running side by side would
// draw from each other's streams and break every exact-resume and seeded-result check. So this assembly runs its
// tests one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
