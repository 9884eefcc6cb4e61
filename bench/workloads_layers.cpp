// SPDX-License-Identifier: Apache-2.0
// workloads_layers.cpp — the layers workload (docs/layers.md): each first-party layer over sqlite against the bare
// sqlite store, through tote on both sides, on the same data in the same run. The reference is the bare store, not
// raw SQLite: what is measured is what the layer costs (or, for cache, saves).
//
//   layer-batch-put   batch_keys keys in batches of batch_size, through LAYER::sqlite vs sqlite: random values of
//                     value_size (checksum, metrics, cache); for zstd, generated JSON evaluation records (prompts
//                     from templates, responses, scores: what an eval framework stores), with the note giving the
//                     bytes stored through zstd against the records' bytes; and zstd with a dictionary trained
//                     on other records (option dictionary_file), as small records are best compressed
//   layer-random-get  gets uniform point reads of a store built through the layer vs the bare store
//   layer-hot-get     cache: gets reads of a hot set of 1,000 keys, through cache (max_staleness_ms = 60000: trusted
//                     for a minute) vs the bare store; and the same with revalidation by version on every read
#include "workloads.hpp"

#include <nlohmann/json.hpp>
#include <zdict.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <random>

namespace tote::bench {

namespace {

constexpr long kHotKeys = 1000;

Store open_store(const Env& env, const std::string& url, const std::vector<std::pair<std::string, std::map<std::string, std::string>>>& layers = {}) {
    OpenOptions o;
    o.create = true;
    o.layers = layers;
    return env.host->open(url, o);
}

// A generated evaluation record, shaped like the per-sample records evaluation harnesses write (lm-evaluation-
// harness's samples_*.jsonl): the document, the full few-shot prompt sent to the model (the same eight worked
// examples for every sample of a task, then the question), the model's response, the target and the metrics.
// About 3 KB; numbers, names and words vary from sample to sample.
std::string eval_record(long i) {
    static const char* const kTemplates[] = {
        "Natalia sold clips to %d of her friends in April, and then she sold half as many clips in May. How many "
        "clips did Natalia sell altogether in April and May?",
        "Weng earns $%d an hour for babysitting. Yesterday, she just did 50 minutes of babysitting. How much did "
        "she earn?",
        "Betty is saving money for a new wallet which costs $%d. Betty has only half of the money she needs. Her "
        "parents decided to give her $15 for that purpose, and her grandparents twice as much as her parents. How "
        "much more money does Betty need to buy the wallet?",
        "James writes a %d-page letter to 2 different friends twice a week. How many pages does he write a year?",
    };
    static const std::string kFewShot = [] {
        const char* const shots[] = {
            "Question: There are 15 trees in the grove. Grove workers will plant trees in the grove today. After they "
            "are done, there will be 21 trees. How many trees did the grove workers plant today?\\nAnswer: There are "
            "15 trees originally. Then there were 21 trees after some more were planted. So there must have been 21 "
            "- 15 = 6. The answer is 6.",
            "Question: If there are 3 cars in the parking lot and 2 more cars arrive, how many cars are in the "
            "parking lot?\\nAnswer: There are originally 3 cars. 2 more cars arrive. 3 + 2 = 5. The answer is 5.",
            "Question: Leah had 32 chocolates and her sister had 42. If they ate 35, how many pieces do they have "
            "left in total?\\nAnswer: Originally, Leah had 32 chocolates. Her sister had 42. So in total they had 32 "
            "+ 42 = 74. After eating 35, they had 74 - 35 = 39. The answer is 39.",
            "Question: Jason had 20 lollipops. He gave Denny some lollipops. Now Jason has 12 lollipops. How many "
            "lollipops did Jason give to Denny?\\nAnswer: Jason started with 20 lollipops. Then he had 12 after "
            "giving some to Denny. So he gave Denny 20 - 12 = 8. The answer is 8.",
            "Question: Shawn has five toys. For Christmas, he got two toys each from his mom and dad. How many toys "
            "does he have now?\\nAnswer: Shawn started with 5 toys. If he got 2 toys each from his mom and dad, then "
            "that is 4 more toys. 5 + 4 = 9. The answer is 9.",
            "Question: There were nine computers in the server room. Five more computers were installed each day, "
            "from monday to thursday. How many computers are now in the server room?\\nAnswer: There were originally "
            "9 computers. For each of 4 days, 5 more computers were added. So 5 * 4 = 20 computers were added. 9 + "
            "20 is 29. The answer is 29.",
            "Question: Michael had 58 golf balls. On tuesday, he lost 23 golf balls. On wednesday, he lost 2 more. "
            "How many golf balls did he have at the end of wednesday?\\nAnswer: Michael started with 58 golf balls. "
            "After losing 23 on tuesday, he had 58 - 23 = 35. After losing 2 more, he had 35 - 2 = 33 golf balls. "
            "The answer is 33.",
            "Question: Olivia has $23. She bought five bagels for $3 each. How much money does she have left?\\n"
            "Answer: Olivia had 23 dollars. 5 bagels for 3 dollars each will be 5 x 3 = 15 dollars. So she has 23 - "
            "15 dollars left. 23 - 15 is 8. The answer is 8.",
        };
        std::string out;
        for (const char* shot : shots) out += std::string(shot) + "\\n\\n";
        return out;
    }();
    static const char* const kWords[] = {"the", "answer", "is", "so", "we", "add", "then", "multiply", "by", "total",
                                         "first", "compute", "each", "which", "gives", "therefore", "minus", "half",
                                         "of", "and", "clips", "dollars", "pages", "hours", "step", "result"};
    std::mt19937_64 rng(static_cast<uint64_t>(i) * 7919u + 1);
    char question[512];
    std::snprintf(question, sizeof question, kTemplates[i % 4], static_cast<int>(rng() % 90 + 10));
    std::string response;
    for (int w = 0; w < 60; ++w) {
        response += kWords[rng() % (sizeof kWords / sizeof kWords[0])];
        response += (w % 12 == 11) ? ". " : " ";
        if (w % 9 == 4) response += std::to_string(rng() % 1000) + " ";
    }
    const long target = static_cast<long>(rng() % 1000);
    const bool passed = rng() % 3 != 0;
    response += "The answer is " + std::to_string(passed ? target : target + 1) + ".";
    char metrics[256];
    std::snprintf(metrics, sizeof metrics,
                  "\"exact_match\": %.1f, \"latency_ms\": %llu, \"tokens\": {\"prompt\": %llu, \"completion\": %llu}}",
                  passed ? 1.0 : 0.0, static_cast<unsigned long long>(rng() % 5000 + 200),
                  static_cast<unsigned long long>(rng() % 200 + 900), static_cast<unsigned long long>(rng() % 300 + 20));
    return "{\"doc_id\": " + std::to_string(i) + ", \"task\": \"gsm8k_cot\", \"model\": \"llama-3-8b-instruct\", " +
           "\"doc\": {\"question\": \"" + question + "\", \"answer\": \"" + std::to_string(target) + "\"}, " +
           "\"arguments\": [[\"" + kFewShot + "Question: " + question + "\\nAnswer:\", {\"until\": [\"Question:\"], " +
           "\"do_sample\": false, \"temperature\": 0.0}]], \"resps\": [[\"" + response + "\"]], " +
           "\"filtered_resps\": [\"" + std::to_string(passed ? target : target + 1) + "\"], \"target\": \"" +
           std::to_string(target) + "\", " + metrics;
}

std::vector<std::vector<BatchWrite>> batches_of(long count, long batch_size, bool records, long value_size) {
    if (records && !nlohmann::json::accept(eval_record(0)))
        throw std::runtime_error("the generated evaluation record is not JSON");
    std::vector<std::vector<BatchWrite>> batches;
    for (long i = 0; i < count; ++i) {
        if (i % batch_size == 0) batches.emplace_back().reserve(static_cast<size_t>(batch_size));
        batches.back().push_back(
            {batch_key(i), records ? eval_record(i) : random_value(static_cast<size_t>(value_size), static_cast<uint64_t>(i)), {}});
    }
    return batches;
}

// Builds a store of count keys at url through layers (in a child, so the parent stays small).
void build(const Env& env, const std::string& url, const std::string& layer, long count, bool records) {
    run_trial([] {},
              [&] {
                  Store s = open_store(env, url, layer.empty() ? decltype(OpenOptions::layers){} : decltype(OpenOptions::layers){{layer, {}}});
                  for (const auto& batch : batches_of(count, env.sizes.batch_size, records, env.sizes.value_size))
                      s.write_batch(batch);
                  return 0.0;
              });
}

Result batch_put_through(const Env& env, const std::string& layer, bool records, int& trial,
                         const std::map<std::string, std::string>& options = {}) {
    const Sizes& z = env.sizes;
    std::vector<std::vector<BatchWrite>> batches;
    Store store = Store(nullptr);
    auto run = [&](bool layered) {
        const std::string path = env.work_dir + "/layers-" + std::to_string(++trial) + ".db";
        return run_trial(
            [&] {
                batches = batches_of(z.batch_keys, z.batch_size, records, z.value_size);
                store = open_store(env, "sqlite://" + path,
                                   layered ? decltype(OpenOptions::layers){{layer, options}} : decltype(OpenOptions::layers){});
            },
            [&] {
                for (const auto& batch : batches) store.write_batch(batch);
                return static_cast<double>(z.batch_keys);
            });
    };
    Result r = compare("layer-batch-put", options.empty() ? layer : layer + " + dictionary", z.reps,
                       [&] { return run(true); }, [&] { return run(false); });
    if (records) {
        // What zstd stored against the records' bytes: the last layered store, read bare.
        const std::string last = env.work_dir + "/layers-" + std::to_string(trial - 1) + ".db";
        Store bare = open_store(env, "sqlite://" + last);  // reads the stored (compressed) bytes
        uint64_t stored = 0, original = 0;
        for (long i = 0; i < z.batch_keys; ++i) stored += bare.stat(batch_key(i))->size;
        for (long i = 0; i < z.batch_keys; ++i) original += eval_record(i).size();
        char note[160];
        std::snprintf(note, sizeof note, "JSON eval records: %.1f MiB stored for %.1f MiB (%.0f %%)",
                      static_cast<double>(stored) / 1048576.0, static_cast<double>(original) / 1048576.0,
                      100.0 * static_cast<double>(stored) / static_cast<double>(original));
        r.note = note;
    }
    return r;
}

// A zstd dictionary trained on 2,000 records other than the measured ones (as `zstd --train` would be), written to
// the work directory: what a user stores small records with.
std::string trained_dictionary(const Env& env) {
    std::string samples;
    std::vector<size_t> sizes;
    for (long i = 0; i < 2000; ++i) {
        const std::string r = eval_record(1000000 + i);
        samples += r;
        sizes.push_back(r.size());
    }
    std::string dictionary(112640, '\0');  // zstd --train's default size
    const size_t n = ZDICT_trainFromBuffer(dictionary.data(), dictionary.size(), samples.data(), sizes.data(),
                                           static_cast<unsigned>(sizes.size()));
    if (ZDICT_isError(n)) throw std::runtime_error(std::string("training a zstd dictionary: ") + ZDICT_getErrorName(n));
    dictionary.resize(n);
    const std::string path = env.work_dir + "/evals.zdict";
    std::ofstream(path, std::ios::binary) << dictionary;
    return path;
}

Result random_get_through(const Env& env, const std::string& layer, bool records) {
    const Sizes& z = env.sizes;
    const std::string layered_path = env.work_dir + "/layers-get-" + layer + ".db";
    const std::string bare_path = env.work_dir + "/layers-get-bare-" + layer + ".db";
    build(env, "sqlite://" + layered_path, layer, z.batch_keys, records);
    build(env, "sqlite://" + bare_path, "", z.batch_keys, records);
    std::mt19937_64 rng(42);
    std::vector<long> picks(static_cast<size_t>(z.gets));
    for (long& p : picks) p = static_cast<long>(rng() % static_cast<uint64_t>(z.batch_keys));
    Store store = Store(nullptr);
    auto run = [&](bool layered) {
        return run_trial(
            [&] {
                store = open_store(env, "sqlite://" + (layered ? layered_path : bare_path),
                                   layered ? decltype(OpenOptions::layers){{layer, {}}} : decltype(OpenOptions::layers){});
            },
            [&] {
                size_t bytes = 0;
                for (long i : picks) bytes += store.read(batch_key(i)).size();
                return bytes == 0 ? 0.0 : static_cast<double>(picks.size());
            });
    };
    return compare("layer-random-get", layer, z.reps, [&] { return run(true); }, [&] { return run(false); });
}

// cache over a hot set: staleness_ms 0 revalidates every read by version.
Result hot_get_through_cache(const Env& env, const std::string& staleness_ms) {
    const Sizes& z = env.sizes;
    const std::string path = env.work_dir + "/layers-hot.db";
    build(env, "sqlite://" + path, "", z.batch_keys, false);
    std::mt19937_64 rng(7);
    std::vector<long> picks(static_cast<size_t>(z.gets));
    const long hot = std::min(kHotKeys, z.batch_keys);
    for (long& p : picks) p = static_cast<long>(rng() % static_cast<uint64_t>(hot));
    Store store = Store(nullptr);
    auto run = [&](bool layered) {
        return run_trial(
            [&] {
                store = open_store(env, "sqlite://" + path,
                                   layered ? decltype(OpenOptions::layers){{"cache", {{"max_staleness_ms", staleness_ms}}}}
                                           : decltype(OpenOptions::layers){});
            },
            [&] {
                size_t bytes = 0;
                for (long i : picks) bytes += store.read(batch_key(i)).size();
                return bytes == 0 ? 0.0 : static_cast<double>(picks.size());
            });
    };
    Result r = compare("layer-hot-get", staleness_ms == "0" ? "cache (revalidated)" : "cache", z.reps,
                       [&] { return run(true); }, [&] { return run(false); });
    r.note = "1,000 hot keys; max_staleness_ms = " + staleness_ms;
    return r;
}

}  // namespace

std::vector<Result> layers(const Env& env) {
    std::vector<Result> out;
    int trial = 0;
    for (const char* layer : {"checksum", "metrics", "cache"}) out.push_back(batch_put_through(env, layer, false, trial));
    out.push_back(batch_put_through(env, "zstd", true, trial));
    out.push_back(batch_put_through(env, "zstd", true, trial, {{"dictionary_file", trained_dictionary(env)}}));
    for (const char* layer : {"checksum", "metrics"}) out.push_back(random_get_through(env, layer, false));
    out.push_back(random_get_through(env, "zstd", true));
    out.push_back(hot_get_through_cache(env, "60000"));
    out.push_back(hot_get_through_cache(env, "0"));
    return out;
}

}  // namespace tote::bench
